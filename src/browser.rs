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
use std::rc::{Rc, Weak};

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Storage, StorageEvent, Window};

use crate::base::diag::{join, Diagnostic};
use crate::engine::{to_json, Engine};

#[wasm_bindgen]
extern "C" {
    /// The global `window`; missing in Node and workers (cheaper than `web_sys::window()`, which
    /// looks up the global object four ways).
    #[wasm_bindgen(thread_local_v2, js_name = window)]
    static WINDOW: Option<Window>;
}

/// The store and the engine it feeds, shared with the `storage` listener.
struct Store {
    key: String,
    storage: Storage,
    engine: Weak<RefCell<Engine>>,
    /// Whether this tab wrote since it last merged another tab's write.
    wrote: Cell<bool>,
}

impl Store {
    /// Merges what other tabs stored.
    fn load(&self, engine: &mut Engine) {
        if let Ok(Some(text)) = self.storage.get_item(&self.key) {
            engine.merge_state(&text);
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

    /// Another tab wrote the key: take its events (a `removeItem` or `clear` forgets nothing).
    fn changed(&self, e: &StorageEvent) {
        let ours = e.storage_area().is_some_and(|a| a == self.storage);
        if !ours || e.key().as_deref() != Some(self.key.as_str()) {
            return;
        }
        let (Some(engine), Some(text)) = (self.engine.upgrade(), e.new_value()) else {
            return;
        };
        // Storage events are tasks, never inside a call; a busy engine would only skip one.
        let Ok(mut engine) = engine.try_borrow_mut() else {
            return;
        };
        // Written only after an own write, so tabs that disagree (two configs under one key)
        // answer each other once rather than forever.
        if engine.merge_state(&text) && self.wrote.replace(false) {
            let _ = self.save(&mut engine);
        }
    }
}

/// The key, the window and its `localStorage`, or why they cannot be used.
fn locate(option: &JsValue) -> Result<(String, Window, Storage), &'static str> {
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
    Ok((key, window, storage))
}

fn warning(code: &'static str, message: &str) -> Diagnostic {
    Diagnostic::new(code, message, join(&[], "persist"))
}

/// An engine's link to `localStorage[key]`; dropping it (`engine.free()`) removes the listener.
pub struct Persist {
    store: Rc<Store>,
    window: Window,
    // The `storage` event and not a `BroadcastChannel`: every write to the key already reaches
    // the other same-origin tabs with its value, so the store is the only channel, any writer
    // (also an older build of the package) is heard, and no further API is needed.
    listener: Closure<dyn FnMut(StorageEvent)>,
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
        let (key, window, storage) = match locate(option) {
            Ok(found) => found,
            Err(why) => {
                e.warn(warning("persist_unavailable", why));
                return None;
            }
        };
        let store = Rc::new(Store {
            key,
            storage,
            engine: Rc::downgrade(engine),
            wrote: Cell::new(false),
        });
        if restore {
            store.load(&mut e);
        }
        let s = Rc::clone(&store);
        let listener =
            Closure::<dyn FnMut(StorageEvent)>::new(move |e: StorageEvent| s.changed(&e));
        let _ =
            window.add_event_listener_with_callback("storage", listener.as_ref().unchecked_ref());
        Some(Persist {
            store,
            window,
            listener,
        })
    }

    /// Before a `record`: merge what other tabs stored since.
    pub fn before_record(&self, engine: &mut Engine) {
        self.store.load(engine);
    }

    /// After a successful `record`: store the state.
    pub fn after_record(&self, engine: &mut Engine) {
        if self.store.save(engine) {
            self.store.wrote.set(true);
        }
    }
}

impl Drop for Persist {
    fn drop(&mut self) {
        let _ = self
            .window
            .remove_event_listener_with_callback("storage", self.listener.as_ref().unchecked_ref());
    }
}
