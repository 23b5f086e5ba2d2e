// Included with --js-library: the profile store (store.post.js) uses
// Emscripten's FS and IDBFS from JavaScript only, so nothing in the wasm pulls
// FS in. This asks for it without -sFORCE_FILESYSTEM, which would also export
// the file packager's helpers (FS_createLazyFile with its XHR loader,
// FS_createPreloadedFile, ...) and keep them alive through Closure.
DEFAULT_LIBRARY_FUNCS_TO_INCLUDE.push('$FS');

// FS's start-up also builds what a C program's stdio expects: /dev with its
// devices (null, tty, tty1 on the TTY library, random and urandom),
// /proc/self/fd, and stdin/stdout/stderr opened on the TTYs. The wasm does no
// I/O (it imports no syscalls): only the store's file is ever opened, from
// JavaScript. These three steps of FS.staticInit and FS.init are made empty
// here, after library_fs.js has been read (system libraries come before
// --js-library ones), so TTY and the random device are not linked (-0.9 KB
// gzip, docs/benchmarks.md).
(function () {
  var lib = LibraryManager.library;
  lib.$FS.createDefaultDevices = function () {};
  lib.$FS.createSpecialDirectories = function () {};
  lib.$FS.createStandardStreams = function () {};
  lib.$FS__deps = lib.$FS__deps.filter(function (d) { return d !== '$TTY' && d !== '$getRandomDevice'; });
})();
