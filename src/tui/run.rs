//! The event loop: terminal events, effect results and a tick, feeding `App::update`;
//! effects performed (checks in background tasks); a redraw only when something changed.

use std::io::Write;
use std::time::{Duration, Instant};

use crossterm::event::{Event, EventStream};
use futures::StreamExt;
use tokio::sync::mpsc;

use super::app::{App, Effect, Msg};
use super::effects::{Runtime, osc52};
use super::{TuiConfig, TuiError};

/// Opens the wizard in this terminal and runs it until the user quits. Builds its own tokio
/// runtime; use [`run_async`] from inside one.
pub fn run(config: TuiConfig) -> Result<(), TuiError> {
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    rt.block_on(run_async(config))
}

/// Counters for the benchmarks, written to `$MTASTS_TUI_STATS` on exit when set.
#[derive(Debug, Default)]
struct Stats {
    first_frame: Option<Duration>,
    draws: u64,
    wakeups: u64,
}

/// [`run`] inside an existing tokio runtime.
pub async fn run_async(config: TuiConfig) -> Result<(), TuiError> {
    let started = config.started;
    let mut terminal = ratatui::try_init()?;
    let _ = crossterm::execute!(std::io::stdout(), crossterm::event::EnableFocusChange);
    let result = event_loop(&mut terminal, config, started).await;
    let _ = crossterm::execute!(std::io::stdout(), crossterm::event::DisableFocusChange);
    ratatui::try_restore()?;
    let stats = result?;
    if let Some(path) = std::env::var_os("MTASTS_TUI_STATS") {
        let first = stats.first_frame.map_or(0, |d| d.as_micros());
        let text = format!("first_frame_us={first}\ndraws={}\nwakeups={}\n", stats.draws, stats.wakeups);
        std::fs::write(path, text)?;
    }
    Ok(())
}

async fn event_loop(
    terminal: &mut ratatui::DefaultTerminal,
    config: TuiConfig,
    started: Instant,
) -> Result<Stats, TuiError> {
    let mut runtime = Runtime {
        store: config.store,
        probe: config.probe,
        clock: config.clock,
        lab: config.lab,
        last_copy: None,
    };
    let (mut app, first) = App::new(runtime.clock.now(), config.color, config.demo);
    let size = terminal.size()?;
    app.size = (size.width, size.height);
    let (tx, mut rx) = mpsc::unbounded_channel::<Msg>();
    let mut events = EventStream::new();
    let mut stats = Stats::default();
    let mut queue: Vec<Effect> = first;
    let mut last_reload = Instant::now();
    loop {
        for effect in std::mem::take(&mut queue) {
            match effect {
                Effect::Quit => return Ok(stats),
                Effect::RunCheck { domains, generation, purpose } => {
                    runtime.check(domains, generation, purpose).spawn(tx.clone());
                }
                Effect::Copy(text) => {
                    let mut out = std::io::stdout();
                    let _ = out.write_all(osc52(&text).as_bytes()).and_then(|()| out.flush());
                }
                other => {
                    if let Some(msg) = runtime.perform(other).await {
                        queue.extend(app.update(msg));
                    }
                }
            }
        }
        if !queue.is_empty() {
            continue;
        }
        if app.dirty {
            terminal.draw(|f| super::render::render(&app, f))?;
            app.dirty = false;
            stats.draws += 1;
            stats.first_frame.get_or_insert_with(|| started.elapsed());
        }
        let tick = if app.busy() { Duration::from_millis(100) } else { Duration::from_secs(1) };
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
                if last_reload.elapsed() > Duration::from_secs(15) {
                    last_reload = Instant::now();
                    queue.push(Effect::Reload);
                }
                Msg::Tick(runtime.clock.now())
            }
        };
        queue.extend(app.update(msg));
    }
}
