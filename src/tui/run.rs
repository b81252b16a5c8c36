//! The event loop: terminal events, effect results and a tick, feeding `App::update`; every
//! effect handed to background tasks (see `tasks`); a redraw only when something changed.
//! The loop itself never waits on a store, a file, a probe or an import.

use std::io::Write;
use std::time::{Duration, Instant};

use crossterm::event::{Event, EventStream};
use futures::{Stream, StreamExt};
use ratatui::Terminal;
use ratatui::backend::Backend;
use ratatui::buffer::Buffer;
use tokio::sync::mpsc;

use super::app::{App, Effect, Msg};
use super::effects::{Runtime, osc52};
use super::tasks::Tasks;
use super::{TuiConfig, TuiError};

/// How often the loop wakes while something runs (the spinner's pace).
const BUSY_TICK: Duration = Duration::from_millis(40);
/// How often it wakes when idle (the clock in the header).
const IDLE_TICK: Duration = Duration::from_secs(1);
/// How often the state files are re-read (another instance or the CLI may change them).
const RELOAD_EVERY: Duration = Duration::from_secs(15);

/// Opens the wizard in this terminal and runs it on `rt` until the user quits.
pub fn run(config: TuiConfig, rt: &tokio::runtime::Runtime) -> Result<(), TuiError> {
    rt.block_on(run_async(config))
}

/// Counters of one run (written to `$MTASTS_TUI_STATS` on exit when set, for the benchmarks).
#[derive(Debug, Default, Clone)]
pub struct Stats {
    /// Time from `TuiConfig::started` to the first frame.
    pub first_frame: Option<Duration>,
    /// Frames drawn.
    pub draws: u64,
    /// Times the loop woke without an event.
    pub wakeups: u64,
}

/// [`run`] inside an existing tokio runtime.
pub async fn run_async(config: TuiConfig) -> Result<(), TuiError> {
    let mut terminal = ratatui::try_init()?;
    let _ = crossterm::execute!(std::io::stdout(), crossterm::event::EnableFocusChange);
    let result = drive(&mut terminal, EventStream::new(), config, &mut |_| {}).await;
    let _ = crossterm::execute!(std::io::stdout(), crossterm::event::DisableFocusChange);
    ratatui::try_restore()?;
    let stats = result?;
    if let Some(path) = std::env::var_os("MTASTS_TUI_STATS") {
        let first = stats.first_frame.map_or(0, |d| d.as_micros());
        let text = format!("first_frame_us={first}\ndraws={}\nwakeups={}\n", stats.draws, stats.wakeups);
        mtasts_fs::write_atomic(std::path::Path::new(&path), text.as_bytes())?;
    }
    Ok(())
}

/// The environment variable an IMAP fetch would take its secret from, if one is set (the
/// wizard then does not ask for it).
fn imap_env() -> Option<&'static str> {
    use mtasts_reports::imap::{PASSWORD_ENV, PASSWORD_FILE_ENV, TOKEN_ENV, TOKEN_FILE_ENV};
    [TOKEN_ENV, TOKEN_FILE_ENV, PASSWORD_ENV, PASSWORD_FILE_ENV]
        .into_iter()
        .find(|v| std::env::var_os(v).is_some_and(|x| !x.is_empty()))
}

fn terminal_error(e: impl std::fmt::Display) -> TuiError {
    TuiError::Terminal(std::io::Error::other(e.to_string()))
}

/// The event loop on any backend and event source (a real terminal, or a test's `TestBackend`
/// and scripted events). `on_draw` sees every frame drawn. Must run inside a tokio runtime.
pub async fn drive<B, E>(
    terminal: &mut Terminal<B>,
    mut events: E,
    config: TuiConfig,
    on_draw: &mut dyn FnMut(&Buffer),
) -> Result<Stats, TuiError>
where
    B: Backend,
    E: Stream<Item = std::io::Result<Event>> + Unpin,
{
    let started = config.started;
    let runtime = Runtime {
        publisher: config.publisher,
        wrangler: config.wrangler,
        ..Runtime::new(config.store, config.probe, config.clock)
    };
    let (tx, mut rx) = mpsc::unbounded_channel::<Msg>();
    let mut tasks = Tasks::start(runtime, tx);
    let (mut app, first) = App::new(tasks.runtime_mut().clock.now(), config.color, config.demo);
    let size = terminal.size().map_err(terminal_error)?;
    app.size = (size.width, size.height);
    app.deploy = tasks.runtime_mut().wrangler.is_some();
    app.imap_env = imap_env();
    let mut stats = Stats::default();
    let mut queue: Vec<Effect> = first;
    let mut last_reload = Instant::now();
    loop {
        for effect in std::mem::take(&mut queue) {
            match effect {
                Effect::Quit => return Ok(stats),
                Effect::Copy(text) => {
                    let mut out = std::io::stdout();
                    let _ = out.write_all(osc52(&text).as_bytes()).and_then(|()| out.flush());
                }
                other => tasks.dispatch(other),
            }
        }
        if app.dirty {
            let frame = terminal.draw(|f| super::render::render(&app, f)).map_err(terminal_error)?;
            on_draw(frame.buffer);
            app.dirty = false;
            stats.draws += 1;
            stats.first_frame.get_or_insert_with(|| started.elapsed());
        }
        let tick = if app.busy() { BUSY_TICK } else { IDLE_TICK };
        let msg = tokio::select! {
            ev = events.next() => match ev {
                Some(Ok(Event::Key(k))) => Msg::Key(k),
                Some(Ok(Event::Resize(w, h))) => Msg::Resize(w, h),
                Some(Ok(Event::FocusGained)) => {
                    queue.push(Effect::Reload);
                    continue;
                }
                Some(Ok(_)) => continue,
                Some(Err(e)) => return Err(e.into()),
                None => return Ok(stats),
            },
            Some(msg) = rx.recv() => msg,
            () = tokio::time::sleep(tick) => {
                stats.wakeups += 1;
                if last_reload.elapsed() > RELOAD_EVERY {
                    last_reload = Instant::now();
                    queue.push(Effect::Reload);
                }
                Msg::Tick(tasks.runtime_mut().clock.now())
            }
        };
        queue.extend(app.update(msg));
    }
}
