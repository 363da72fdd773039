//! A real PostgreSQL server for the tests: Debian's binaries (`make setup`
//! installs the `postgresql` package when they are missing), a fresh
//! cluster in a temporary directory, listening on 127.0.0.1 on a free port,
//! run as a non-root user (PostgreSQL refuses to run as root: as root, the
//! package's `postgres` user runs it). Stopped and removed on drop.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use super::WAIT;

/// A running PostgreSQL server.
pub struct Postgres {
    /// The port on 127.0.0.1.
    pub port: u16,
    /// The superuser (no password: `trust` on loopback).
    pub user: &'static str,
    server: Child,
    dir: tempfile::TempDir,
}

impl Postgres {
    /// Starts a server, or says why it cannot (no PostgreSQL installed, or
    /// no unprivileged user to run it as).
    pub fn start() -> Result<Self, String> {
        let bin = bin_dir().ok_or(
            "PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/initdb): run `make setup`",
        )?;
        let owner = RunAs::find()?;
        let dir = tempfile::Builder::new()
            .prefix("gchat-pg-")
            .tempdir()
            .map_err(|e| format!("temporary directory: {e}"))?;
        owner.give(dir.path())?;
        let data = dir.path().join("data");
        let user = "gchat";
        let init = owner
            .command(&bin.join("initdb"))
            .args(["-D", &data.to_string_lossy(), "-U", user])
            .args([
                "--auth=trust",
                "-E",
                "UTF8",
                "--no-sync",
                "--no-instructions",
            ])
            .stdin(Stdio::null())
            .output()
            .map_err(|e| format!("initdb: {e}"))?;
        if !init.status.success() {
            return Err(format!(
                "initdb failed: {}",
                String::from_utf8_lossy(&init.stderr)
            ));
        }
        // A port is free when asked; another process may take it before the
        // server binds, so a failed start is tried again on a new port.
        let mut last = String::new();
        for _ in 0..5 {
            let port = free_port()?;
            let log = std::fs::File::create(dir.path().join(format!("server-{port}.log")))
                .map_err(|e| format!("server log: {e}"))?;
            let mut server = owner
                .command(&bin.join("postgres"))
                .args(["-D", &data.to_string_lossy(), "-p", &port.to_string()])
                .args(["-k", &dir.path().to_string_lossy()])
                .args(["-c", "listen_addresses=127.0.0.1", "-c", "fsync=off"])
                .args(["-c", "max_connections=200"])
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(log)
                .spawn()
                .map_err(|e| format!("postgres: {e}"))?;
            match ready(&mut server, &bin, port) {
                Ok(()) => {
                    return Ok(Self {
                        port,
                        user,
                        server,
                        dir,
                    });
                }
                Err(e) => {
                    let _ = server.kill();
                    let _ = server.wait();
                    let log =
                        std::fs::read_to_string(dir.path().join(format!("server-{port}.log")))
                            .unwrap_or_default();
                    last = format!("{e}: {log}");
                }
            }
        }
        Err(format!("PostgreSQL did not start: {last}"))
    }

    /// A connection string for `database` (`postgres` always exists).
    pub fn url(&self, database: &str) -> String {
        format!(
            "postgres://{}@127.0.0.1:{}/{database}",
            self.user, self.port
        )
    }

    /// The directory holding the cluster (removed on drop).
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    /// The server's process id.
    pub fn pid(&self) -> u32 {
        self.server.id()
    }

    /// Runs `sql` with `psql` and returns what it printed (unaligned, tuples
    /// only), or its error output.
    pub fn psql(&self, database: &str, sql: &str) -> Result<String, String> {
        let out = Command::new(psql()?)
            .args([
                "-X",
                "-q",
                "-At",
                "-v",
                "ON_ERROR_STOP=1",
                "-d",
                &self.url(database),
            ])
            .args(["-c", sql])
            .stdin(Stdio::null())
            .output()
            .map_err(|e| format!("psql: {e}"))?;
        if out.status.success() {
            Ok(String::from_utf8_lossy(&out.stdout).trim_end().to_owned())
        } else {
            Err(String::from_utf8_lossy(&out.stderr).into_owned())
        }
    }
}

impl Drop for Postgres {
    fn drop(&mut self) {
        // SIGTERM: a "smart" shutdown would wait for clients; SIGINT is the
        // "fast" one, which ends sessions and stops at once.
        let _ = Command::new("kill")
            .args(["-INT", &self.server.id().to_string()])
            .status();
        let deadline = Instant::now() + WAIT;
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.server.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.server.kill();
        let _ = self.server.wait();
    }
}

/// Who runs the server: this process's user, or (as root) `postgres`.
enum RunAs {
    Me,
    User { uid: u32, gid: u32 },
}

impl RunAs {
    fn find() -> Result<Self, String> {
        let me = Command::new("id")
            .arg("-u")
            .output()
            .map_err(|e| format!("id -u: {e}"))?;
        if String::from_utf8_lossy(&me.stdout).trim() != "0" {
            return Ok(Self::Me);
        }
        let name = "postgres";
        let id = |flag: &str| -> Result<u32, String> {
            let out = Command::new("id")
                .args([flag, name])
                .output()
                .map_err(|e| format!("id {flag} {name}: {e}"))?;
            String::from_utf8_lossy(&out.stdout)
                .trim()
                .parse()
                .map_err(|_| format!("running as root, and there is no `{name}` user to run PostgreSQL as (`make setup` installs the package that makes it)"))
        };
        Ok(Self::User {
            uid: id("-u")?,
            gid: id("-g")?,
        })
    }

    /// Makes `dir` the server user's.
    fn give(&self, dir: &Path) -> Result<(), String> {
        match self {
            Self::Me => Ok(()),
            Self::User { uid, gid, .. } => std::os::unix::fs::chown(dir, Some(*uid), Some(*gid))
                .map_err(|e| format!("chown {}: {e}", dir.display())),
        }
    }

    fn command(&self, program: &Path) -> Command {
        match self {
            Self::Me => Command::new(program),
            // `setpriv` execs the program (no process in between), so the
            // child is the server itself and signals reach it.
            Self::User { uid, gid, .. } => {
                let mut command = Command::new("setpriv");
                command
                    .arg(format!("--reuid={uid}"))
                    .arg(format!("--regid={gid}"))
                    .args(["--clear-groups", "--"])
                    .arg(program);
                command
            }
        }
    }
}

/// The directory of the newest PostgreSQL's server binaries.
fn bin_dir() -> Option<PathBuf> {
    let mut versions: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .filter_map(|entry| {
            let entry = entry.ok()?;
            let version = entry.file_name().to_str()?.parse().ok()?;
            let bin = entry.path().join("bin");
            bin.join("initdb").exists().then_some((version, bin))
        })
        .collect();
    versions.sort();
    versions.pop().map(|(_, bin)| bin)
}

fn psql() -> Result<PathBuf, String> {
    bin_dir()
        .map(|bin| bin.join("psql"))
        .filter(|p| p.exists())
        .ok_or_else(|| "psql is not installed: run `make setup`".to_owned())
}

fn free_port() -> Result<u16, String> {
    let listener = TcpListener::bind("127.0.0.1:0").map_err(|e| format!("free port: {e}"))?;
    listener
        .local_addr()
        .map(|a| a.port())
        .map_err(|e| format!("free port: {e}"))
}

/// Waits until the server accepts queries on `port` (`pg_isready`), or
/// has exited.
fn ready(server: &mut Child, bin: &Path, port: u16) -> Result<(), String> {
    let deadline = Instant::now() + WAIT;
    while Instant::now() < deadline {
        if let Ok(Some(status)) = server.try_wait() {
            return Err(format!("the server exited ({status})"));
        }
        let probe = Command::new(bin.join("pg_isready"))
            .args(["-q", "-h", "127.0.0.1", "-p", &port.to_string()])
            .status();
        if probe.is_ok_and(|s| s.success()) {
            return Ok(());
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    Err(format!("not ready on port {port} after {WAIT:?}"))
}
