//! The PostgreSQL the server's tests run against: a real server from
//! Debian's package (`make setup` installs it), started as a non-root user
//! in a temporary directory on a free port, and gone afterwards.

mod common;

use common::postgres::Postgres;

/// The user id a process runs as (from `/proc`).
fn uid_of(pid: u32) -> Option<u32> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("Uid:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

#[test]
fn a_real_postgres_runs_unprivileged_on_a_free_port_and_is_removed_afterwards() {
    let pg = Postgres::start().unwrap_or_else(|why| panic!("{why}"));
    assert_eq!(pg.psql("postgres", "select current_user").unwrap(), "gchat");
    let version: u32 = pg
        .psql("postgres", "show server_version_num")
        .unwrap()
        .parse()
        .unwrap();
    assert!(version >= 130_000, "PostgreSQL {version}");
    // `FOR UPDATE SKIP LOCKED` and `ON CONFLICT`, which the state store uses.
    let sql = "create table t (k text primary key, n int);
               insert into t values ('a', 1) on conflict (k) do nothing;
               insert into t values ('a', 2) on conflict (k) do nothing;
               select n from t for update skip locked;";
    assert_eq!(pg.psql("postgres", sql).unwrap(), "1");
    // A refusal comes back as PostgreSQL's error.
    let error = pg.psql("postgres", "select * from missing").unwrap_err();
    assert!(error.contains("does not exist"), "{error}");

    let (pid, dir, port) = (pg.pid(), pg.dir().to_owned(), pg.port);
    assert_ne!(uid_of(pid), Some(0), "the server runs as root");
    assert!(dir.join("data/PG_VERSION").exists());
    drop(pg);
    assert!(!dir.exists(), "{} is left behind", dir.display());
    assert_eq!(uid_of(pid), None, "the server is still running");
    assert!(std::net::TcpStream::connect(("127.0.0.1", port)).is_err());
}
