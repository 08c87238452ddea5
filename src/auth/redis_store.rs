//! Rate-limit counters in Redis (`LADDER_REDIS_URL`), for deployments that would rather not
//! write failed sign-ins to the database. A few commands over RESP on a plain TCP socket
//! with short timeouts: no client crate. Any Redis error falls back to the database store
//! for that call (see `rate_limit::Store`), so an unreachable Redis slows nothing down for
//! long and never loses a limit.
//!
//! Keys are `ladder:{deployment}:{limit}:{key}:{window start}`, where `deployment` is a
//! hash of the database URL: processes on one database share counters, other deployments
//! on the same Redis do not. Each window's key expires two windows after it starts.

use std::io::{self, BufRead, BufReader, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::sync::Mutex;
use std::time::Duration;

use sha2::{Digest, Sha256};

use crate::config::RedisTarget;

const TIMEOUT: Duration = Duration::from_millis(500);
const IDLE_CONNECTIONS: usize = 8;

#[derive(Debug, PartialEq, Eq)]
enum Reply {
    Status(String),
    Integer(i64),
    Bulk(Option<Vec<u8>>),
    Array(Vec<Reply>),
}

struct Connection {
    reader: BufReader<TcpStream>,
}

impl Connection {
    fn open(target: &RedisTarget) -> io::Result<Connection> {
        let address = (target.host.as_str(), target.port)
            .to_socket_addrs()?
            .next()
            .ok_or_else(|| io::Error::new(io::ErrorKind::NotFound, "no address for the host"))?;
        let stream = TcpStream::connect_timeout(&address, TIMEOUT)?;
        stream.set_read_timeout(Some(TIMEOUT))?;
        stream.set_write_timeout(Some(TIMEOUT))?;
        stream.set_nodelay(true)?;
        let mut conn = Connection {
            reader: BufReader::new(stream),
        };
        if let Some(password) = &target.password.as_ref().map(|p| p.expose().to_owned()) {
            match &target.username {
                Some(user) => conn.run(&[&[b"AUTH", user.as_bytes(), password.as_bytes()]])?,
                None => conn.run(&[&[b"AUTH", password.as_bytes()]])?,
            };
        }
        if target.database != 0 {
            conn.run(&[&[b"SELECT", target.database.to_string().as_bytes()]])?;
        }
        Ok(conn)
    }

    /// Sends the commands as one pipeline and reads one reply per command.
    fn run(&mut self, commands: &[&[&[u8]]]) -> io::Result<Vec<Reply>> {
        let mut out = Vec::new();
        for args in commands {
            out.extend_from_slice(format!("*{}\r\n", args.len()).as_bytes());
            for arg in *args {
                out.extend_from_slice(format!("${}\r\n", arg.len()).as_bytes());
                out.extend_from_slice(arg);
                out.extend_from_slice(b"\r\n");
            }
        }
        self.reader.get_mut().write_all(&out)?;
        commands
            .iter()
            .map(|_| read_reply(&mut self.reader))
            .collect()
    }
}

fn protocol_error(what: impl Into<String>) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, what.into())
}

fn read_reply(reader: &mut impl BufRead) -> io::Result<Reply> {
    let mut line = String::new();
    if reader.read_line(&mut line)? == 0 {
        return Err(io::Error::new(io::ErrorKind::UnexpectedEof, "redis closed"));
    }
    let line = line.trim_end_matches(['\r', '\n']);
    let (kind, rest) = line
        .split_at_checked(1)
        .ok_or_else(|| protocol_error("empty"))?;
    let number = || rest.parse::<i64>().map_err(|_| protocol_error(line));
    match kind {
        "+" => Ok(Reply::Status(rest.to_owned())),
        "-" => Err(io::Error::other(format!("redis: {rest}"))),
        ":" => Ok(Reply::Integer(number()?)),
        "$" => {
            let length = number()?;
            if length < 0 {
                return Ok(Reply::Bulk(None));
            }
            let mut data = vec![0; length as usize + 2];
            reader.read_exact(&mut data)?;
            data.truncate(length as usize);
            Ok(Reply::Bulk(Some(data)))
        }
        "*" => {
            let length = number()?;
            (0..length.max(0))
                .map(|_| read_reply(reader))
                .collect::<io::Result<Vec<_>>>()
                .map(Reply::Array)
        }
        _ => Err(protocol_error(line)),
    }
}

fn as_count(reply: &Reply) -> io::Result<i32> {
    match reply {
        Reply::Integer(n) => Ok(*n as i32),
        Reply::Bulk(None) => Ok(0),
        Reply::Bulk(Some(bytes)) => std::str::from_utf8(bytes)
            .ok()
            .and_then(|s| s.parse().ok())
            .ok_or_else(|| protocol_error("a counter that is not a number")),
        other => Err(protocol_error(format!("unexpected reply {other:?}"))),
    }
}

/// Counters in Redis, with a few idle connections kept for reuse.
pub struct RedisStore {
    target: RedisTarget,
    prefix: String,
    idle: Mutex<Vec<Connection>>,
}

impl RedisStore {
    /// Counters for the deployment on `database_url`.
    pub fn new(target: RedisTarget, database_url: &str) -> Self {
        let deployment = hex::encode(&Sha256::digest(database_url.as_bytes())[..8]);
        RedisStore {
            target,
            prefix: format!("ladder:{deployment}"),
            idle: Mutex::new(Vec::new()),
        }
    }

    fn with_connection<T>(
        &self,
        work: impl FnOnce(&mut Connection) -> io::Result<T>,
    ) -> io::Result<T> {
        let reused = self.idle.lock().expect("redis pool lock").pop();
        let mut conn = match reused {
            Some(conn) => conn,
            None => Connection::open(&self.target)?,
        };
        // A connection that failed mid-command is dropped, not reused.
        let value = work(&mut conn)?;
        let mut idle = self.idle.lock().expect("redis pool lock");
        if idle.len() < IDLE_CONNECTIONS {
            idle.push(conn);
        }
        Ok(value)
    }

    fn key(&self, storage_key: &str, window_start: i64) -> String {
        format!("{}:{storage_key}:{window_start}", self.prefix)
    }

    /// Hits in the previous and the current window.
    pub fn counts(
        &self,
        storage_key: &str,
        window_start: i64,
        length: i64,
    ) -> io::Result<(i32, i32)> {
        let previous = self.key(storage_key, window_start - length);
        let current = self.key(storage_key, window_start);
        let replies = self.with_connection(|conn| {
            conn.run(&[&[b"MGET", previous.as_bytes(), current.as_bytes()]])
        })?;
        match replies.as_slice() {
            [Reply::Array(values)] if values.len() == 2 => {
                Ok((as_count(&values[0])?, as_count(&values[1])?))
            }
            other => Err(protocol_error(format!("unexpected reply {other:?}"))),
        }
    }

    /// Adds a hit to the current window; returns its hits. The key is created with its
    /// expiry (`SET … NX EX`) before the increment, so no counter outlives its use.
    pub fn increment(&self, storage_key: &str, window_start: i64, length: i64) -> io::Result<i32> {
        let key = self.key(storage_key, window_start);
        let ttl = (length * 2 + 60).to_string();
        let replies = self.with_connection(|conn| {
            conn.run(&[
                &[b"SET", key.as_bytes(), b"0", b"NX", b"EX", ttl.as_bytes()],
                &[b"INCR", key.as_bytes()],
            ])
        })?;
        as_count(replies.last().ok_or_else(|| protocol_error("no reply"))?)
    }

    /// Takes back a hit counted in the window starting at `window_start` (a sign-in that
    /// reserved its place and then succeeded). `DECR` only while the key exists, so a
    /// counter that expired meanwhile is not recreated below zero.
    pub fn decrement(&self, storage_key: &str, window_start: i64) -> io::Result<()> {
        let key = self.key(storage_key, window_start);
        let replies = self.with_connection(|conn| conn.run(&[&[b"EXISTS", key.as_bytes()]]))?;
        if matches!(replies.as_slice(), [Reply::Integer(1)]) {
            self.with_connection(|conn| conn.run(&[&[b"DECR", key.as_bytes()]]))?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replies_parse() {
        let mut input: &[u8] = b"*2\r\n$1\r\n7\r\n$-1\r\n:5\r\n+OK\r\n-ERR no\r\n";
        assert_eq!(
            read_reply(&mut input).unwrap(),
            Reply::Array(vec![Reply::Bulk(Some(b"7".to_vec())), Reply::Bulk(None)])
        );
        assert_eq!(read_reply(&mut input).unwrap(), Reply::Integer(5));
        assert_eq!(read_reply(&mut input).unwrap(), Reply::Status("OK".into()));
        assert!(read_reply(&mut input).is_err());
        assert!(read_reply(&mut input).is_err(), "end of input");
    }
}
