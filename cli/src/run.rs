//! `simulate` across threads: the main thread reads the file in chunks into a bounded
//! channel; each worker builds its own engine from the config text (an `Engine` is not `Send`)
//! and its own `Simulation`, converts and adds the chunks it takes, and the simulations are
//! merged at the end. Memory stays bounded: at most `2 × threads` chunks are in flight.
//!
//! With `--accounts-out`, each worker hands the rows of a chunk, with the chunk's number, to
//! a writer thread that writes them in input order. The reader takes a token before each
//! chunk and the writer gives one back per chunk written, so at most [`ROW_WINDOW`] ×
//! threads chunks of rows wait to be written, however many accounts there are.

use std::collections::BTreeMap;
use std::io::IsTerminal;
use std::path::Path;
use std::sync::mpsc::{channel, sync_channel, Receiver, Sender, SyncSender};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressStyle};
use upgrade_prompts::audience::AccountRow;
use upgrade_prompts::base::diag::Diagnostic;
use upgrade_prompts::base::vocab::Code;
use upgrade_prompts::Engine;

use crate::accounts_out::Sink;

use crate::audience::{SimulateOptions, Simulation, SimulationReport};
use crate::input::{self, Chunk, FileProblem, Format, Unreadable};
use upgrade_prompts::audience::input::{add_bytes, add_chunk as add_text_chunk};

/// What a finished run gives.
pub struct Outcome {
    /// The merged report.
    pub report: SimulationReport,
    /// Problems with the whole file or whole columns.
    pub problems: Vec<FileProblem>,
    /// Records read (accounts, including those with errors).
    pub records: u64,
    /// Wall time of the run.
    pub elapsed: Duration,
}

/// How to run.
pub struct Settings<'a> {
    /// The config's JSON text (already validated).
    pub config: &'a str,
    /// The accounts file.
    pub accounts: &'a Path,
    /// Its format.
    pub format: Format,
    /// Worker threads.
    pub threads: usize,
    /// Builds the options for each worker's simulation.
    pub options: &'a (dyn Fn() -> SimulateOptions + Sync),
    /// Whether a progress bar may be drawn (stderr is a terminal and not `--quiet`).
    pub progress: bool,
    /// Warnings for the report besides the options' (the rates file's).
    pub warnings: &'a [Diagnostic],
}

/// Chunks of rows (per thread) that may wait to be written.
pub const ROW_WINDOW: usize = 4;

/// A chunk's rows with the chunk's number.
type Rows = (u64, Vec<AccountRow>);

/// Writes the rows in chunk order, giving back a token per chunk written; then closes the file.
fn writer(mut sink: Sink, rx: &Receiver<Rows>, tokens: &SyncSender<()>) -> Result<(), String> {
    let mut next = 0u64;
    let mut pending: BTreeMap<u64, Vec<AccountRow>> = BTreeMap::new();
    for (seq, rows) in rx {
        pending.insert(seq, rows);
        while let Some(rows) = pending.remove(&next) {
            sink.write(&rows)?;
            next += 1;
            let _ = tokens.try_send(());
        }
    }
    // Only a failed worker leaves a gap (the run fails); what came is written in order.
    for rows in pending.into_values() {
        sink.write(&rows)?;
    }
    sink.finish()
}

fn progress_bar(s: &Settings<'_>) -> ProgressBar {
    if !s.progress || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let total = input::progress_total(s.accounts, s.format).unwrap_or(0);
    let bar = ProgressBar::new(total);
    let template = match s.format {
        Format::Parquet => "{spinner} [{elapsed_precise}] {wide_bar} {pos}/{len} rows (eta {eta})",
        _ => "{spinner} [{elapsed_precise}] {wide_bar} {bytes}/{total_bytes} (eta {eta})",
    };
    if let Ok(style) = ProgressStyle::with_template(template) {
        bar.set_style(style);
    }
    bar.enable_steady_tick(Duration::from_millis(200));
    bar
}

/// Converts and adds one chunk, as a worker does; returns the number of records in it. `buf`
/// is scratch space for the context text of a tabular row. Text chunks are added as the npm
/// bin adds them (`upgrade_prompts::audience::input::add_chunk`).
pub fn add_chunk(engine: &Engine, sim: &mut Simulation, chunk: Chunk, buf: &mut Vec<u8>) -> u64 {
    match chunk.text() {
        Ok(text) => add_text_chunk(engine, sim, text, buf),
        Err((first, batch, plan)) => {
            let n = batch.num_rows();
            for row in 0..n {
                let index = first + row as u64;
                buf.clear();
                match input::parquet_context(&plan, &batch, row, index, buf) {
                    Ok(()) => add_bytes(engine, sim, index, buf),
                    Err(d) => sim.add_error(index, d),
                }
            }
            n as u64
        }
    }
}

fn worker(
    config: &str,
    options: &SimulateOptions,
    rx: &Mutex<Receiver<(u64, Chunk)>>,
    rows: Option<Sender<Rows>>,
) -> Option<(Simulation, u64)> {
    let engine = Engine::new(config).ok()?;
    let mut sim = Simulation::new(&engine, options);
    let mut buf = Vec::with_capacity(4096);
    let mut records = 0;
    loop {
        let next = match rx.lock() {
            Ok(guard) => guard.recv(),
            Err(_) => return None,
        };
        let Ok((seq, chunk)) = next else { break };
        records += add_chunk(&engine, &mut sim, chunk, &mut buf);
        if let Some(tx) = &rows {
            // A send fails only when the writer is gone; its result says why.
            let _ = tx.send((seq, sim.take_rows()));
        }
    }
    Some((sim, records))
}

/// Runs the simulation; `out` is `--accounts-out` (its name and the open file).
///
/// # Errors
/// The accounts file cannot be read at all, a worker could not start, or the rows cannot be
/// written.
pub fn simulate(
    s: &Settings<'_>,
    model_engine: &Engine,
    out: Option<(String, Sink)>,
) -> Result<Outcome, Unreadable> {
    let start = Instant::now();
    let threads = s.threads.max(1);
    let bar = progress_bar(s);
    let (tx, rx) = sync_channel::<(u64, Chunk)>(threads * 2);
    let rx = Arc::new(Mutex::new(rx));
    let window = ROW_WINDOW * threads;
    let (token_tx, token_rx) = sync_channel::<()>(window);
    for _ in 0..window {
        let _ = token_tx.try_send(());
    }
    let (rows_tx, rows_rx) = channel::<Rows>();
    let writing = out.is_some();
    let (read, sims, written) = std::thread::scope(|scope| {
        let written = out.map(|(name, sink)| {
            let token_tx = token_tx.clone();
            let rows_rx = rows_rx;
            let h = scope.spawn(move || writer(sink, &rows_rx, &token_tx));
            (name, h)
        });
        drop(token_tx);
        let mut handles = Vec::with_capacity(threads);
        let mut spawned = Ok(());
        for i in 0..threads {
            let rx = Arc::clone(&rx);
            let options = (s.options)();
            let config = s.config;
            let rows = writing.then(|| rows_tx.clone());
            // A thread the system refuses is an error, not a panic.
            match std::thread::Builder::new()
                .spawn_scoped(scope, move || worker(config, &options, &rx, rows))
            {
                Ok(h) => handles.push(h),
                Err(e) => {
                    spawned = Err(Unreadable::new(
                        Code::WorkerFailed,
                        format!("cannot start worker thread {} of {threads}: {e}", i + 1),
                    ));
                    break;
                }
            }
        }
        drop(rows_tx);
        let mut seq = 0u64;
        let mut send = |chunk: Chunk| {
            if writing {
                // Waits while the window of rows is full (an error: the writer is gone).
                let _ = token_rx.recv();
            }
            // A send fails only when every worker is gone; their results say why.
            let _ = tx.send((seq, chunk));
            seq += 1;
        };
        let progress = |n: u64| bar.set_position(n);
        let read = spawned.and_then(|()| {
            input::read(
                s.accounts,
                s.format,
                &model_engine.catalog().model,
                &mut send,
                &progress,
            )
        });
        drop(tx);
        let sims: Vec<_> = handles
            .into_iter()
            .map(|h| h.join().ok().flatten())
            .collect();
        let written = written.map(|(name, h)| (name, h.join()));
        (read, sims, written)
    });
    bar.finish_and_clear();
    let problems = read?;
    if let Some((name, result)) = written {
        let why = match result {
            Ok(Ok(())) => None,
            Ok(Err(e)) => Some(e),
            Err(_) => Some("the writer thread failed".to_owned()),
        };
        if let Some(e) = why {
            return Err(Unreadable::new(
                Code::WriteFailed,
                format!("cannot write `{name}`: {e}"),
            ));
        }
    }
    let mut merged: Option<Simulation> = None;
    let mut records = 0;
    for sim in sims {
        let Some((sim, n)) = sim else {
            return Err(Unreadable::new(
                Code::WorkerFailed,
                "a worker thread failed",
            ));
        };
        records += n;
        match &mut merged {
            Some(m) => m.merge(sim),
            None => merged = Some(sim),
        }
    }
    let mut merged = merged.unwrap_or_else(|| Simulation::new(model_engine, &(s.options)()));
    merged.warn(s.warnings);
    let report = merged.finish();
    Ok(Outcome {
        report,
        problems,
        records,
        elapsed: start.elapsed(),
    })
}
