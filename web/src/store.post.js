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
var omoMountPoint = null;   // IDBFS's mount of omoDir, once mounted

function omoMount() {
  if (omoMountPoint) return;
  try { FS.mkdir(omoDir); } catch (e) { /* exists */ }
  omoMountPoint = FS.mount(IDBFS, {}, omoDir).mount;
}
function omoWhy(e) { return String(e && e.message || e); }

// Every operation runs alone, in the order asked: a read, a write or an
// erase never overlaps another. Overlapping ones deadlocked: consent granted,
// denied and granted again at once left a read waiting for an open that
// IndexedDB had queued behind the deletion, which waited for the read's own
// connection to close.
// An operation IndexedDB never answers (IDBFS does not see an aborted
// transaction: IDBFS.syncfs then never calls back) fails after OMO_STUCK_MS, its
// connection is dropped and the queue goes on, so a denial's erase is never
// held up for long; an answer after that is ignored. An operation that throws
// as it starts (FS, a missing IndexedDB) fails the same way.
var OMO_STUCK_MS = 10000;
var omoQueue = [];
// op(done) starts an operation; done() ends it and is true unless the
// operation already failed as stuck. fail(message) tells its caller so.
function omoRun(op, fail) {
  omoQueue.push({ op: op, fail: fail });
  if (omoQueue.length === 1) omoStart();
}
function omoStart() {
  var item = omoQueue[0], finished = false;
  function end() {
    finished = true;
    clearTimeout(timer);
    omoQueue.shift();
    if (omoQueue.length) omoStart();
  }
  // Ends the operation as failed: nothing else is in flight (the queue runs
  // one at a time), so the sync state is reset and the connection dropped.
  function failed(message) {
    if (finished) return;   // it had ended: an error after that is its caller's
    omoSyncing = 0;
    omoCloseWanted = false;
    omoClose();
    end();
    item.fail(message);
  }
  var timer = setTimeout(function () { failed('IndexedDB did not answer'); }, OMO_STUCK_MS);
  try {
    item.op(function done() {
      if (finished) return false;
      end();
      return true;
    });
  } catch (e) { failed(omoWhy(e)); }
}

// The connection IDBFS caches lets another tab delete the database: on
// versionchange it closes, at once when idle, else when the sync in
// flight ends (its transactions run one after another on it). The handler is
// set the moment the connection opens (IDBFS.getDB calls back from the open's
// success event), before a pending deletion's versionchange can reach it.
var omoSyncing = 0;   // the id of the sync in flight, 0 when none
var omoSyncs = 0;
var omoCloseWanted = false;
function omoClose() {
  var db = IDBFS.dbs[omoDir];
  if (db) { try { db.close(); } catch (e) { /* closed */ } }
  delete IDBFS.dbs[omoDir];
}
function omoSync(populate, cb) {
  IDBFS.getDB(omoDir, function (err, db) {
    // An open that fails late (a newer database version, a private mode)
    // calls back with no error object and no connection.
    if (err || !db) return cb(err || 'IndexedDB could not be opened');
    db.onversionchange = function () {
      if (omoSyncing) omoCloseWanted = true;
      else omoClose();
    };
    // Closed by the browser (storage cleared, a disk error): not reused.
    db.onclose = function () { if (IDBFS.dbs[omoDir] === db) delete IDBFS.dbs[omoDir]; };
    var id = omoSyncing = ++omoSyncs;
    function end(err2) {
      if (omoSyncing === id) {
        omoSyncing = 0;
        if (omoCloseWanted) {
          omoCloseWanted = false;
          omoClose();
        }
      }
      cb(err2);
    }
    if (populate) {
      // IDBFS's own sync of its one mount: what FS.syncfs does for each
      // mount, without FS.syncfs's count of syncs in flight (our queue runs
      // one at a time) and so without linking it (-0.1 KB gzip).
      IDBFS.syncfs(omoMountPoint, true, end);
      return;
    }
    // A save puts the one file IDBFS keeps for this mount (the folder itself
    // is not an entry) with IDBFS's own calls, in one transaction begun now
    // and committed at once. IDBFS.syncfs first reads what IndexedDB holds,
    // then writes: a page left right after a change (a form saved, a link
    // followed) was gone before the write began, and the change was lost.
    // A failed put aborts the transaction (IDBFS.storeRemoteEntry would
    // have kept it from aborting, and the save would have looked done).
    IDBFS.loadLocalEntry(omoFile, function (err3, entry) {
      var tx;
      try {
        if (err3) throw err3;
        tx = db.transaction([IDBFS.DB_STORE_NAME], 'readwrite');
        tx.oncomplete = function () { end(null); };
        tx.onabort = function () { end(tx.error || 'the write was aborted'); };
        tx.objectStore(IDBFS.DB_STORE_NAME).put(entry, omoFile);
      } catch (e) { return end(e); }
      try { tx.commit(); } catch (e) { /* no commit() (older browsers: it commits when idle), or aborted: onabort says why */ }
    });
  });
}
Module['store'] = {
  // cb(error, text): text is '' when nothing is stored.
  'load': function (cb) {
    omoRun(function (done) {
      omoMount();
      omoSync(true, function (err) {
        var text = '';
        if (!err) {
          // The file's bytes as IDBFS itself reads them (MEMFS's node data),
          // decoded as FS.readFile(omoFile, { encoding: 'utf8' }) does; no
          // file stream is opened, so FS's stream read is not linked (-0.2 KB
          // gzip). lookupPath throws when nothing is stored.
          try {
            text = UTF8ArrayToString(MEMFS.getFileDataAsTypedArray(FS.lookupPath(omoFile).node), 0);
          } catch (e) { /* none stored */ }
        }
        if (done()) cb(err ? omoWhy(err) : '', text);
      });
    }, function (message) { cb(message, ''); });
  },
  // Writes the file and persists it; cb(error).
  'save': function (text, cb) {
    omoRun(function (done) {
      omoMount();
      FS.writeFile(omoFile, text);
      omoSync(false, function (err) {
        if (done()) cb(err ? omoWhy(err) : '');
      });
    }, cb);
  },
  // Forgets the in-memory copy and deletes the database; cb() when done. A
  // tab that cannot close its connection at once blocks the deletion, which
  // then completes when it does: this does not wait more than a second.
  'erase': function (cb) {
    function erase(done) {
      omoClose();
      try { FS.unlink(omoFile); } catch (e) { /* none */ }
      function finish() { if (done()) cb(); }
      // Without IndexedDB this throws, and the queue ends the erase: nothing was stored.
      var req = indexedDB.deleteDatabase(omoDir);
      req.onsuccess = req.onerror = finish;
      req.onblocked = function () { setTimeout(finish, 1000); };
    }
    omoRun(erase, function () { cb(); });
  }
};
