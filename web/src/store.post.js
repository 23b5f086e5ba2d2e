/**
 * The profile store: one file in Emscripten's IDBFS, linked with --post-js so
 * that Closure minifies it together with FS and IDBFS (it reaches IDBFS.getDB
 * and IDBFS.dbs, internal names no outside code could know after
 * minification).
 *
 * IndexedDB database: "/omotenashi" (IDBFS names it after the mount point),
 * object store FILE_DATA, one file: /omotenashi/profile.json.
 * Nothing here opens IndexedDB until the loader calls load() or save(), which
 * it does only while consent is granted; erase() deletes the database.
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
function omoWhy(e) { return String(e && e.message || e); }

// Every operation runs alone, in the order asked: a read, a write or an
// erase never overlaps another. Overlapping ones deadlocked: consent granted,
// denied and granted again at once left a read waiting for an open that
// IndexedDB had queued behind the deletion, which waited for the read's own
// connection to close.
var omoQueue = [];
function omoRun(op) {
  omoQueue.push(op);
  if (omoQueue.length === 1) op(omoNext);
}
function omoNext() {
  omoQueue.shift();
  if (omoQueue.length) omoQueue[0](omoNext);
}

// The connection IDBFS caches lets another tab delete the database: on
// versionchange it closes, at once when idle, else when the FS.syncfs in
// flight ends (its transactions run one after another on it). The handler is
// set the moment the connection opens, before a pending deletion's
// versionchange can reach it.
var omoSyncing = false;
var omoCloseWanted = false;
function omoClose() {
  var db = IDBFS.dbs[omoDir];
  if (db) { try { db.close(); } catch (e) { /* closed */ } }
  delete IDBFS.dbs[omoDir];
}
function omoSync(populate, cb) {
  IDBFS.getDB(omoDir, function (err, db) {
    if (err) return cb(err);
    db.onversionchange = function () {
      if (omoSyncing) omoCloseWanted = true;
      else omoClose();
    };
    omoSyncing = true;
    FS.syncfs(populate, function (err2) {
      omoSyncing = false;
      if (omoCloseWanted) {
        omoCloseWanted = false;
        omoClose();
      }
      cb(err2);
    });
  });
}

// omoSync that also reports what throws, calling cb exactly once.
function omoSyncSafe(populate, cb) {
  var called = false;
  function once(err) {
    if (called) return;
    called = true;
    cb(err);
  }
  try { omoSync(populate, once); } catch (e) { omoSyncing = false; once(e); }
}

Module['store'] = {
  // cb(error, text): text is '' when nothing is stored.
  'load': function (cb) {
    omoRun(function (next) {
      try { omoMount(); } catch (e) { next(); return cb(omoWhy(e), ''); }
      omoSyncSafe(true, function (err) {
        var text = '';
        if (!err) {
          try { text = FS.readFile(omoFile, { encoding: 'utf8' }); } catch (e) { /* none stored */ }
        }
        next();
        cb(err ? omoWhy(err) : '', text);
      });
    });
  },
  // Writes the file and persists it; cb(error).
  'save': function (text, cb) {
    omoRun(function (next) {
      try {
        omoMount();
        FS.writeFile(omoFile, text);
      } catch (e) { next(); return cb(omoWhy(e)); }
      omoSyncSafe(false, function (err) {
        next();
        cb(err ? omoWhy(err) : '');
      });
    });
  },
  // Forgets the in-memory copy and deletes the database; cb() when done. A
  // tab that cannot close its connection at once blocks the deletion, which
  // then completes when it does: this does not wait more than a second.
  'erase': function (cb) {
    omoRun(function (next) {
      omoClose();
      try { FS.unlink(omoFile); } catch (e) { /* none */ }
      var finished = false;
      function done() {
        if (finished) return;
        finished = true;
        next();
        cb();
      }
      var req;
      try { req = indexedDB.deleteDatabase(omoDir); } catch (e) { return done(); }   // none: nothing stored
      req.onsuccess = req.onerror = done;
      req.onblocked = function () { setTimeout(done, 1000); };
    });
  }
};
