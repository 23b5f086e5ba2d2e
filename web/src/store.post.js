/**
 * The profile store: one file in Emscripten's IDBFS, linked with --post-js so
 * that Closure minifies it together with FS and IDBFS (it reaches IDBFS.dbs,
 * an internal name no outside code could know after minification).
 *
 * IndexedDB database: "/omotenashi" (IDBFS names it after the mount point),
 * object store FILE_DATA, one file: /omotenashi/profile.json.
 * Nothing here opens IndexedDB until the loader calls load() or save(), which
 * it does only while consent is granted.
 */
var omoDir = '/omotenashi';
var omoFile = omoDir + '/profile.json';
var omoMounted = false;

function omoMount() {
  if (omoMounted) return;
  try { FS.mkdir(omoDir); } catch (e) { /* exists */ }
  FS.mount(IDBFS, {}, omoDir);
  omoMounted = true;
}

// FS.syncfs runs several IndexedDB transactions one after another: the
// connection must not close between them. A close asked for meanwhile
// waits for the last one.
var omoBusy = 0;
var omoCloseWanted = false;
function omoRequestClose() {
  if (omoBusy) omoCloseWanted = true;
  else omoClose();
}
function omoDone() {
  omoBusy--;
  omoReleaseOnVersionChange();
  if (!omoBusy && omoCloseWanted) {
    omoCloseWanted = false;
    omoClose();
  }
}

// Lets another tab delete the database: a connection that stays open would
// block indexedDB.deleteDatabase() until this page unloads.
function omoReleaseOnVersionChange() {
  var db = IDBFS.dbs[omoDir];
  if (db) db.onversionchange = omoRequestClose;
}

function omoClose() {
  var db = IDBFS.dbs[omoDir];
  if (db) { try { db.close(); } catch (e) { /* closed */ } }
  delete IDBFS.dbs[omoDir];
}

Module['store'] = {
  // cb(error, text): text is '' when nothing is stored.
  'load': function (cb) {
    try {
      omoMount();
      omoBusy++;
      FS.syncfs(true, function (err) {
        omoDone();
        if (err) return cb(String(err && err.message || err), '');
        var text = '';
        try { text = FS.readFile(omoFile, { encoding: 'utf8' }); } catch (e) { /* none stored */ }
        cb('', text);
      });
    } catch (e) { cb(String(e && e.message || e), ''); }
  },
  // Writes the file and persists it; cb(error).
  'save': function (text, cb) {
    try {
      omoMount();
      FS.writeFile(omoFile, text);
      omoBusy++;
      FS.syncfs(false, function (err) {
        omoDone();
        cb(err ? String(err && err.message || err) : '');
      });
    } catch (e) { cb(String(e && e.message || e)); }
  },
  // Closes the connection and forgets the in-memory copy (before deleting
  // the database).
  'close': function () {
    omoRequestClose();
    try { FS.unlink(omoFile); } catch (e) { /* none */ }
  },
  'name': omoDir
};
