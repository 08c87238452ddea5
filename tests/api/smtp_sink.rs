//! A small SMTP server for tests: speaks enough ESMTP (EHLO, AUTH PLAIN/LOGIN, MAIL, RCPT,
//! DATA, RSET, NOOP, QUIT) for lettre, and keeps what it receives.

use std::sync::{Arc, Mutex};

use base64::Engine;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

#[derive(Debug, Clone)]
pub struct Received {
    pub mail_from: String,
    pub rcpt_to: Vec<String>,
    pub data: Vec<u8>,
    /// `user\0password` from AUTH, if the client authenticated.
    pub auth: Option<String>,
}

pub struct SmtpSink {
    pub port: u16,
    received: Arc<Mutex<Vec<Received>>>,
    task: JoinHandle<()>,
}

/// A port nobody listens on (yet): the "server is down" state.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

impl SmtpSink {
    pub async fn start(port: u16) -> SmtpSink {
        let listener = TcpListener::bind(("127.0.0.1", port))
            .await
            .expect("sink binds");
        let port = listener.local_addr().unwrap().port();
        let received = Arc::new(Mutex::new(Vec::new()));
        let store = received.clone();
        let task = tokio::spawn(async move {
            loop {
                let Ok((socket, _)) = listener.accept().await else {
                    return;
                };
                let store = store.clone();
                tokio::spawn(async move {
                    let _ = session(socket, store).await;
                });
            }
        });
        SmtpSink {
            port,
            received,
            task,
        }
    }

    pub fn url(&self) -> String {
        format!("smtp://ladder:s3cret%21@127.0.0.1:{}?tls=none", self.port)
    }

    pub fn messages(&self) -> Vec<Received> {
        self.received.lock().unwrap().clone()
    }
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn session(
    socket: tokio::net::TcpStream,
    store: Arc<Mutex<Vec<Received>>>,
) -> std::io::Result<()> {
    let (read, mut write) = socket.into_split();
    let mut lines = BufReader::new(read);
    write.write_all(b"220 sink.test ESMTP ready\r\n").await?;
    let mut current = Received {
        mail_from: String::new(),
        rcpt_to: Vec::new(),
        data: Vec::new(),
        auth: None,
    };
    let decode = |s: &str| {
        String::from_utf8_lossy(
            &base64::engine::general_purpose::STANDARD
                .decode(s.trim())
                .unwrap_or_default(),
        )
        .into_owned()
    };
    loop {
        let mut line = String::new();
        if lines.read_line(&mut line).await? == 0 {
            return Ok(());
        }
        let command = line.trim_end().to_owned();
        let upper = command.to_ascii_uppercase();
        if upper.starts_with("EHLO") || upper.starts_with("HELO") {
            write
                .write_all(
                    b"250-sink.test\r\n250-8BITMIME\r\n250-SMTPUTF8\r\n250 AUTH PLAIN LOGIN\r\n",
                )
                .await?;
        } else if upper.starts_with("AUTH PLAIN") {
            let initial = command[10..].trim().to_owned();
            let payload = if initial.is_empty() {
                write.write_all(b"334 \r\n").await?;
                let mut next = String::new();
                lines.read_line(&mut next).await?;
                next
            } else {
                initial
            };
            let text = decode(&payload);
            current.auth = Some(text.trim_start_matches('\0').to_owned());
            write
                .write_all(b"235 2.7.0 Authentication successful\r\n")
                .await?;
        } else if upper.starts_with("AUTH LOGIN") {
            write.write_all(b"334 VXNlcm5hbWU6\r\n").await?;
            let mut user = String::new();
            lines.read_line(&mut user).await?;
            write.write_all(b"334 UGFzc3dvcmQ6\r\n").await?;
            let mut pass = String::new();
            lines.read_line(&mut pass).await?;
            current.auth = Some(format!("{}\0{}", decode(&user), decode(&pass)));
            write
                .write_all(b"235 2.7.0 Authentication successful\r\n")
                .await?;
        } else if upper.starts_with("MAIL FROM:") {
            current.mail_from = command[10..].trim().to_owned();
            write.write_all(b"250 2.1.0 Ok\r\n").await?;
        } else if upper.starts_with("RCPT TO:") {
            current.rcpt_to.push(command[8..].trim().to_owned());
            write.write_all(b"250 2.1.5 Ok\r\n").await?;
        } else if upper == "DATA" {
            write
                .write_all(b"354 End data with <CR><LF>.<CR><LF>\r\n")
                .await?;
            let mut data = Vec::new();
            loop {
                let mut chunk = String::new();
                if lines.read_line(&mut chunk).await? == 0 {
                    return Ok(());
                }
                if chunk == ".\r\n" || chunk == ".\n" {
                    break;
                }
                let unstuffed = chunk
                    .strip_prefix('.')
                    .filter(|_| chunk.starts_with(".."))
                    .unwrap_or(&chunk);
                data.extend_from_slice(unstuffed.as_bytes());
            }
            current.data = data;
            store.lock().unwrap().push(current.clone());
            current.rcpt_to.clear();
            write.write_all(b"250 2.0.0 Ok: queued\r\n").await?;
        } else if upper == "RSET" || upper == "NOOP" {
            write.write_all(b"250 2.0.0 Ok\r\n").await?;
        } else if upper == "QUIT" {
            write.write_all(b"221 2.0.0 Bye\r\n").await?;
            return Ok(());
        } else {
            write
                .write_all(b"502 5.5.2 Command not recognised\r\n")
                .await?;
        }
    }
}

/// A "mail server" that accepts TCP connections and never says a word: no greeting, no
/// replies. It holds every connection open until dropped.
pub struct SilentSmtp {
    pub port: u16,
    task: JoinHandle<()>,
}

impl SilentSmtp {
    pub async fn start() -> SilentSmtp {
        let listener = TcpListener::bind(("127.0.0.1", 0))
            .await
            .expect("silent listener binds");
        let port = listener.local_addr().unwrap().port();
        let task = tokio::spawn(async move {
            let mut held = Vec::new();
            while let Ok((socket, _)) = listener.accept().await {
                held.push(socket);
            }
        });
        SilentSmtp { port, task }
    }

    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}?tls=none", self.port)
    }
}

impl Drop for SilentSmtp {
    fn drop(&mut self) {
        self.task.abort();
    }
}
