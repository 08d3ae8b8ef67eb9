//! The floor of bench_floor.py, in Rust: for each line of a log, the envelope fields the
//! fast lane reads, the source (context.library.name) and the payload (properties, else
//! traits) decoded into JSON values; then one count per (source, event). Nothing is
//! checked against a plan and no drift is counted: a validator in compiled code that reads
//! what the plan's checks and the drift report need pays at least this much a message.
//!
//!     native_floor LOG    # prints {"read": N, "seconds": S, "split": T}
//!
//! S: the file read and the loop; T: the file read and cut into lines alone, nothing parsed
//! (what the machine pays to bring the bytes in).

use std::borrow::Cow;
use std::collections::HashMap;
use std::time::Instant;

use serde::Deserialize;
use serde_json::value::RawValue;

#[derive(Deserialize)]
struct Library<'a> {
    #[serde(borrow)]
    name: Option<&'a RawValue>,
}

#[derive(Deserialize)]
struct Context<'a> {
    #[serde(borrow)]
    library: Option<Library<'a>>,
}

/// The fields of read/envelope.py's FIELDS (scalars kept as their JSON text, which is
/// read and checked as JSON but not built), the source's path, and the payloads.
#[derive(Deserialize)]
#[allow(non_snake_case, dead_code)]
struct Envelope<'a> {
    #[serde(borrow, rename = "type")]
    kind: Option<&'a RawValue>,
    #[serde(borrow)]
    event: Option<&'a RawValue>,
    #[serde(borrow)]
    name: Option<&'a RawValue>,
    #[serde(borrow)]
    userId: Option<&'a RawValue>,
    #[serde(borrow)]
    anonymousId: Option<&'a RawValue>,
    #[serde(borrow)]
    previousId: Option<&'a RawValue>,
    #[serde(borrow)]
    groupId: Option<&'a RawValue>,
    #[serde(borrow)]
    timestamp: Option<&'a RawValue>,
    #[serde(borrow)]
    originalTimestamp: Option<&'a RawValue>,
    #[serde(borrow)]
    sentAt: Option<&'a RawValue>,
    #[serde(borrow)]
    receivedAt: Option<&'a RawValue>,
    #[serde(borrow)]
    properties: Option<&'a RawValue>,
    #[serde(borrow)]
    traits: Option<&'a RawValue>,
    #[serde(borrow)]
    context: Option<Context<'a>>,
}

fn source<'a>(envelope: &Envelope<'a>) -> Cow<'a, str> {
    let name = envelope.context.as_ref().and_then(|c| c.library.as_ref()).and_then(|l| l.name);
    match name.map(|raw| serde_json::from_str::<Cow<'a, str>>(raw.get())) {
        Some(Ok(text)) if !text.is_empty() => text,
        _ => Cow::Borrowed("(unknown)"),
    }
}

/// The messages read: the lines that decode as an envelope whose payload decodes too.
fn read(data: &[u8]) -> u64 {
    let mut counts: HashMap<(Cow<str>, &str), u64> = HashMap::new();
    for line in data.split(|&byte| byte == b'\n') {
        let Ok(envelope) = serde_json::from_slice::<Envelope>(line) else { continue };
        let payload = envelope.properties.or(envelope.traits).filter(|raw| raw.get() != "null");
        if let Some(raw) = payload {
            if serde_json::from_str::<serde_json::Value>(raw.get()).is_err() {
                continue;
            }
        }
        let event = envelope.event.map_or("", |raw| raw.get());
        *counts.entry((source(&envelope), event)).or_insert(0) += 1;
    }
    counts.values().sum()
}

fn main() {
    let path = std::env::args().nth(1).expect("usage: native_floor LOG");
    let load = || std::fs::read(&path).unwrap_or_else(|error| panic!("{path}: {error}"));
    let began = Instant::now();
    let data = load();
    let lines = data.split(|&byte| byte == b'\n').filter(|line| !line.is_empty()).count();
    let split = began.elapsed().as_secs_f64();
    drop(data);
    let began = Instant::now();
    let data = load();
    let messages = read(&data);
    let seconds = began.elapsed().as_secs_f64();
    assert!(messages as usize <= lines);
    println!("{{\"read\": {messages}, \"seconds\": {seconds}, \"split\": {split}}}");
}
