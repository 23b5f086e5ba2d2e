// Included with --js-library: the profile store (store.post.js) uses
// Emscripten's FS and IDBFS from JavaScript only, so nothing in the wasm pulls
// FS in. This asks for it without -sFORCE_FILESYSTEM, which would also export
// the file packager's helpers (FS_createLazyFile with its XHR loader,
// FS_createPreloadedFile, ...) and keep them alive through Closure.
DEFAULT_LIBRARY_FUNCS_TO_INCLUDE.push('$FS');
