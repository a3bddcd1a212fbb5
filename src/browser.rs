//! The `persist` option: the engine state kept in `localStorage` and shared by the tabs of an
//! origin. Browser code only; the state itself (restore, merge, export) is the core's.
//!
//! The rule: the stored value is the union of every tab's events. A tab merges the stored state
//! into its own when it starts, just before each `record` (so it writes on top of what other
//! tabs wrote), and whenever another tab writes; after each successful `record` it writes its
//! whole state back. Merging only adds (impressions united, latest dismissal and click, earliest
//! conversion), so no order of writes loses a dismissal that reached any tab. Two tabs whose
//! read-record-write overlap can still leave one event out of the stored value; each receives the
//! other's write, and a tab whose state is then ahead of the store writes it once more.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use wasm_bindgen::prelude::*;
use web_sys::{Storage, Window};

use crate::base::diag::{join, Diagnostic};
use crate::engine::{to_json, Engine};

#[wasm_bindgen]
extern "C" {
    /// The global `window`; missing in Node and workers (cheaper than `web_sys::window()`, which
    /// looks up the global object four ways).
    #[wasm_bindgen(thread_local_v2, js_name = window)]
    static WINDOW: Option<Window>;
}

/// An engine's link to `localStorage[key]`.
///
/// The `storage` listener that hears other tabs' writes is JavaScript in the package's glue
/// (a wasm-bindgen closure costs 0.9 KB gzipped of support code): it holds the engine weakly,
/// passes the written value of this key in `localStorage` to [`Persist::changed`], and goes
/// with `engine.free()`.
pub struct Persist {
    key: String,
    storage: Storage,
    /// Whether this tab wrote since it last merged another tab's write.
    wrote: Cell<bool>,
}

impl Persist {
    /// Links an engine to the `persist` option (`{ key }`), restoring the stored state first
    /// when `restore` (no explicit `state` was given). Without the option, `None`; when storage
    /// cannot be used, `None` and a `persist_unavailable` warning: the engine works in memory.
    pub fn open(option: &JsValue, engine: &Rc<RefCell<Engine>>, restore: bool) -> Option<Persist> {
        if option.is_undefined() || option.is_null() {
            return None;
        }
        let mut e = engine.try_borrow_mut().ok()?;
        let (key, storage) = match locate(option) {
            Ok(found) => found,
            Err(why) => {
                e.warn(warning("persist_unavailable", why));
                return None;
            }
        };
        let persist = Persist {
            key,
            storage,
            wrote: Cell::new(false),
        };
        if restore {
            persist.load(&mut e);
        }
        Some(persist)
    }

    /// The `localStorage` key.
    pub fn key(&self) -> &str {
        &self.key
    }

    /// Merges what other tabs stored.
    fn load(&self, engine: &mut Engine) {
        if let Ok(Some(text)) = self.storage.get_item(&self.key) {
            engine.merge_state(&text, js_sys::Date::now());
        }
    }

    /// Stores the state; whether it was written.
    fn save(&self, engine: &mut Engine) -> bool {
        let text = to_json(&engine.export_state());
        let written = self.storage.set_item(&self.key, &text).is_ok();
        if !written {
            engine.warn(warning(
                "persist_failed",
                "`localStorage` refused the state (full or disabled); it stays in memory",
            ));
        }
        written
    }

    /// Another tab wrote the key (`text`, the new value): take its events (a `removeItem` or
    /// `clear` forgets nothing).
    pub fn changed(&self, engine: &mut Engine, text: &str) {
        // Written only after an own write, so tabs that disagree (two configs under one key)
        // answer each other once rather than forever.
        if engine.merge_state(text, js_sys::Date::now()) && self.wrote.replace(false) {
            let _ = self.save(engine);
        }
    }

    /// Before a `record`: merge what other tabs stored since.
    pub fn before_record(&self, engine: &mut Engine) {
        self.load(engine);
    }

    /// After a successful `record`: store the state.
    pub fn after_record(&self, engine: &mut Engine) {
        if self.save(engine) {
            self.wrote.set(true);
        }
    }
}

/// The key and the window's `localStorage`, or why they cannot be used.
fn locate(option: &JsValue) -> Result<(String, Storage), &'static str> {
    let key = js_sys::Reflect::get(option, &JsValue::from_str("key"))
        .ok()
        .and_then(|k| k.as_string())
        .filter(|k| !k.is_empty())
        .ok_or("`persist.key` is not a non-empty string; the state stays in memory")?;
    let window = WINDOW
        .with(Option::clone)
        .ok_or("no `window` (Node or a worker); the state stays in memory")?;
    let storage = window
        .local_storage()
        .ok()
        .flatten()
        .ok_or("`localStorage` is disabled or blocked; the state stays in memory")?;
    Ok((key, storage))
}

fn warning(code: &'static str, message: &str) -> Diagnostic {
    Diagnostic::new(code, message, join(&[], "persist"))
}
