//! A stand-in for Chat's webhook and API endpoints on 127.0.0.1, with
//! scripted failures, that behaves like Chat where it matters: a repeated
//! `requestId` returns the message created first instead of posting again.

use std::collections::{BTreeMap, VecDeque};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

/// What the server does with the next message request.
#[derive(Clone, Debug)]
pub enum Step {
    /// Answer with this status, headers and body.
    Answer(u16, Vec<(&'static str, &'static str)>, &'static str),
    /// Create the message, then drop the connection without answering (a
    /// response lost on the way back).
    PostAndHangUp,
    /// Drop the connection without creating the message or answering (a
    /// connection reset).
    Reset,
    /// Create the message, then answer 200 after this long (a slow answer).
    Slow(Duration),
    /// Neither create nor answer for this long, then drop the connection
    /// (the sender's attempt times out).
    Hang(Duration),
}

/// One request the server received.
#[derive(Clone, Debug)]
pub struct Received {
    pub at: Instant,
    pub path: String,
    pub query: BTreeMap<String, String>,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Received {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or(Value::Null)
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

#[derive(Default)]
struct State {
    script: VecDeque<Step>,
    received: Vec<Received>,
    /// requestId → message name, and the messages posted, in order.
    by_request_id: BTreeMap<String, String>,
    posted: Vec<Value>,
}

/// The fake Chat server.
#[derive(Clone)]
pub struct FakeChat {
    pub base: String,
    state: Arc<Mutex<State>>,
}

impl FakeChat {
    /// Starts a server that answers message requests with `script`, then 200s.
    pub fn start(script: Vec<Step>) -> Self {
        Self::start_on("127.0.0.1:0", script)
    }

    /// The same, on a given address (to come back on the same port).
    pub fn start_on(addr: &str, script: Vec<Step>) -> Self {
        let listener = TcpListener::bind(addr).unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let state = Arc::new(Mutex::new(State {
            script: script.into(),
            ..State::default()
        }));
        let shared = Arc::clone(&state);
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(stream) = stream else { return };
                let state = Arc::clone(&shared);
                std::thread::spawn(move || serve_connection(stream, &state));
            }
        });
        Self { base, state }
    }

    /// Replaces the script.
    pub fn script(&self, steps: Vec<Step>) {
        self.state.lock().unwrap().script = steps.into();
    }

    /// Every message request received (token requests excluded).
    pub fn received(&self) -> Vec<Received> {
        self.state
            .lock()
            .unwrap()
            .received
            .iter()
            .filter(|r| r.path.ends_with("/messages"))
            .cloned()
            .collect()
    }

    /// Every request received, token requests included.
    pub fn all_received(&self) -> Vec<Received> {
        self.state.lock().unwrap().received.clone()
    }

    /// The messages created, each once.
    pub fn posted(&self) -> Vec<Value> {
        self.state.lock().unwrap().posted.clone()
    }

    /// Waits (bounded) until `n` messages were created.
    pub fn wait_posted(&self, n: usize) -> Vec<Value> {
        super::wait_for(n, || self.posted())
    }

    /// Waits (bounded) until `n` message requests arrived.
    pub fn wait_received(&self, n: usize) -> Vec<Received> {
        super::wait_for(n, || self.received())
    }
}

fn serve_connection(stream: TcpStream, state: &Mutex<State>) {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut writer = stream;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 {
            return;
        }
        let target = line.split_whitespace().nth(1).unwrap_or("/").to_owned();
        let mut headers = Vec::new();
        loop {
            let mut h = String::new();
            if reader.read_line(&mut h).unwrap_or(0) == 0 {
                return;
            }
            let h = h.trim_end();
            if h.is_empty() {
                break;
            }
            if let Some((n, v)) = h.split_once(':') {
                headers.push((n.trim().to_owned(), v.trim().to_owned()));
            }
        }
        let len: usize = headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case("content-length"))
            .and_then(|(_, v)| v.parse().ok())
            .unwrap_or(0);
        let mut body = vec![0; len];
        if reader.read_exact(&mut body).is_err() {
            return;
        }
        let (path, query) = target.split_once('?').unwrap_or((&target, ""));
        let query: BTreeMap<String, String> = query
            .split('&')
            .filter_map(|p| p.split_once('='))
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect();
        let received = Received {
            at: Instant::now(),
            path: path.to_owned(),
            query,
            headers,
            body: String::from_utf8_lossy(&body).into_owned(),
        };
        let (wait, answer) = respond(state, received);
        if let Some(wait) = wait {
            std::thread::sleep(wait);
        }
        match answer {
            Some((status, extra, body)) => {
                let mut head = format!(
                    "HTTP/1.1 {status} X\r\ncontent-type: application/json\r\ncontent-length: {}\r\n",
                    body.len()
                );
                for (n, v) in extra {
                    head.push_str(&format!("{n}: {v}\r\n"));
                }
                head.push_str("\r\n");
                if writer.write_all(head.as_bytes()).is_err()
                    || writer.write_all(body.as_bytes()).is_err()
                {
                    return;
                }
            }
            None => {
                let _ = writer.shutdown(std::net::Shutdown::Both);
                return;
            }
        }
    }
}

type Answer = (u16, Vec<(&'static str, &'static str)>, String);

/// What to answer (`None`: drop the connection), after waiting how long
/// (outside the lock).
fn respond(state: &Mutex<State>, received: Received) -> (Option<Duration>, Option<Answer>) {
    let mut s = state.lock().unwrap();
    if received.path == "/token" {
        s.received.push(received);
        let token =
            json!({"access_token": "ya29.fake", "expires_in": 3599, "token_type": "Bearer"});
        return (None, Some((200, vec![], token.to_string())));
    }
    let step = s.script.pop_front();
    let request_id = received.query.get("requestId").cloned();
    let space = received.path.split('/').nth(3).unwrap_or("S").to_owned();
    let body = received.json();
    s.received.push(received);
    match &step {
        Some(Step::Answer(status, headers, body)) => {
            return (None, Some((*status, headers.clone(), (*body).to_owned())));
        }
        Some(Step::Reset) => return (None, None),
        Some(Step::Hang(wait)) => return (Some(*wait), None),
        _ => {}
    }
    let wait = match step {
        Some(Step::Slow(wait)) => Some(wait),
        _ => None,
    };
    // Create (or find) the message, like Chat does with a requestId.
    let name = match request_id.as_ref().and_then(|r| s.by_request_id.get(r)) {
        Some(name) => name.clone(),
        None => {
            let name = format!("spaces/{space}/messages/m{}", s.posted.len() + 1);
            s.posted.push(body.clone());
            if let Some(r) = request_id {
                s.by_request_id.insert(r, name.clone());
            }
            name
        }
    };
    if matches!(step, Some(Step::PostAndHangUp)) {
        return (None, None);
    }
    let thread = body
        .pointer("/thread/threadKey")
        .and_then(Value::as_str)
        .map(|k| format!("spaces/{space}/threads/t-{k}"));
    let mut answer = body;
    answer["name"] = Value::from(name);
    if let Some(t) = thread {
        answer["thread"] = json!({"name": t});
    }
    (wait, Some((200, vec![], answer.to_string())))
}
