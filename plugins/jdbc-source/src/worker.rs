//! The database thread of a task: owns the connection, runs one statement at a time and
//! streams its rows through a bounded channel, so at most a couple of `batch.max.rows` chunks
//! are in memory while the cursor stays open across polls.

use std::collections::HashSet;
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender, SyncSender};
use std::thread::JoinHandle;
use std::time::Duration;

use ferry_plugin_sdk::tracing::warn;
use ferry_plugin_sdk::StopToken;

use crate::dialect::{self, Chunk, ColumnMeta, Database, ReadOptions};
use crate::error::{JdbcError, JdbcResult};
use crate::query::Statement;
use crate::settings::Connection;
use crate::tables::TableId;
use crate::temporal::Instant;

/// A message of a running statement.
pub type Message = JdbcResult<Option<Chunk>>;

enum Command {
    Stream {
        stmt: Statement,
        not_null: HashSet<String>,
        reply: SyncSender<Message>,
    },
    Now(SyncSender<JdbcResult<Instant>>),
    Columns(TableId, SyncSender<JdbcResult<Vec<ColumnMeta>>>),
}

/// Handle on the database thread.
pub struct DbWorker {
    tx: Option<Sender<Command>>,
    handle: Option<JoinHandle<()>>,
}

/// An open statement: receive chunks until `Ok(None)` (end of rows).
pub struct Cursor {
    rx: Receiver<Message>,
}

/// What [`Cursor::next`] saw.
pub enum Next {
    Chunk(Chunk),
    End,
    /// Nothing yet; try again.
    Pending,
}

impl Cursor {
    /// Wait up to `wait` for the next chunk.
    pub fn next(&self, wait: Duration) -> JdbcResult<Next> {
        match self.rx.recv_timeout(wait) {
            Ok(Ok(Some(c))) => Ok(Next::Chunk(c)),
            Ok(Ok(None)) => Ok(Next::End),
            Ok(Err(e)) => Err(e),
            Err(RecvTimeoutError::Timeout) => Ok(Next::Pending),
            Err(RecvTimeoutError::Disconnected) => Err(JdbcError::WorkerGone),
        }
    }
}

struct State {
    conn: Connection,
    opts: ReadOptions,
    stop: StopToken,
    db: Option<Box<dyn Database>>,
}

impl State {
    fn db(&mut self) -> JdbcResult<&mut Box<dyn Database>> {
        if self.db.is_none() {
            let stop = self.stop.clone();
            self.db = Some(dialect::connect(&self.conn, &self.opts.tz, &|d| {
                stop.sleep(d)
            })?);
        }
        self.db.as_mut().ok_or(JdbcError::WorkerGone)
    }

    /// Run `f` on the connection; drop the connection after a transient error.
    fn with<T>(
        &mut self,
        f: impl FnOnce(&mut dyn Database, &ReadOptions) -> JdbcResult<T>,
    ) -> JdbcResult<T> {
        let opts = self.opts.clone();
        let r = self.db().and_then(|db| f(db.as_mut(), &opts));
        if let Err(e) = &r {
            if e.is_transient() {
                warn!("Dropping the database connection after: {e}");
                self.db = None;
            }
        }
        r
    }

    fn run(mut self, rx: Receiver<Command>) {
        while let Ok(cmd) = rx.recv() {
            match cmd {
                Command::Now(reply) => {
                    let _ = reply.send(self.with(|db, _| db.now()));
                }
                Command::Columns(t, reply) => {
                    let _ = reply.send(self.with(|db, o| db.columns(&t, o)));
                }
                Command::Stream {
                    stmt,
                    not_null,
                    reply,
                } => {
                    let r = self.with(|db, o| {
                        db.stream(&stmt, &not_null, o, &mut |c| {
                            reply.send(Ok(Some(c))).is_ok()
                        })
                    });
                    let _ = reply.send(r.map(|()| None));
                }
            }
        }
    }
}

impl DbWorker {
    /// Start the thread; it connects lazily.
    pub fn start(conn: Connection, opts: ReadOptions, stop: StopToken) -> JdbcResult<DbWorker> {
        let (tx, rx) = mpsc::channel();
        let state = State {
            conn,
            opts,
            stop,
            db: None,
        };
        let handle = std::thread::Builder::new()
            .name("jdbc-source-db".into())
            .spawn(move || state.run(rx))
            .map_err(|e| JdbcError::Data(format!("cannot start the database thread: {e}")))?;
        Ok(DbWorker {
            tx: Some(tx),
            handle: Some(handle),
        })
    }

    fn send(&self, c: Command) -> JdbcResult<()> {
        self.tx
            .as_ref()
            .ok_or(JdbcError::WorkerGone)?
            .send(c)
            .map_err(|_| JdbcError::WorkerGone)
    }

    /// Start `stmt`; rows arrive through the returned cursor.
    pub fn stream(&self, stmt: Statement, not_null: HashSet<String>) -> JdbcResult<Cursor> {
        let (reply, rx) = mpsc::sync_channel(1);
        self.send(Command::Stream {
            stmt,
            not_null,
            reply,
        })?;
        Ok(Cursor { rx })
    }

    /// The database's clock.
    pub fn now(&self) -> JdbcResult<Instant> {
        let (reply, rx) = mpsc::sync_channel(1);
        self.send(Command::Now(reply))?;
        rx.recv().map_err(|_| JdbcError::WorkerGone)?
    }

    /// Column metadata of `table`.
    pub fn columns(&self, table: &TableId) -> JdbcResult<Vec<ColumnMeta>> {
        let (reply, rx) = mpsc::sync_channel(1);
        self.send(Command::Columns(table.clone(), reply))?;
        rx.recv().map_err(|_| JdbcError::WorkerGone)?
    }
}

/// How long a stopping task waits for a statement in progress to end.
const JOIN_TIMEOUT: Duration = Duration::from_secs(5);

impl Drop for DbWorker {
    /// Close the connection: the thread ends after its current call. A statement still running
    /// after [`JOIN_TIMEOUT`] is left to finish on its own (plugin libraries stay loaded), so a
    /// slow query never blocks a task's stop.
    fn drop(&mut self) {
        self.tx = None;
        if let Some(h) = self.handle.take() {
            let deadline = std::time::Instant::now() + JOIN_TIMEOUT;
            while !h.is_finished() && std::time::Instant::now() < deadline {
                std::thread::sleep(Duration::from_millis(10));
            }
            if h.is_finished() {
                let _ = h.join();
            } else {
                warn!("A database call is still running; not waiting for it to end");
            }
        }
    }
}
