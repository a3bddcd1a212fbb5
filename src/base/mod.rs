//! The bottom layer: diagnostics with paths and spans, JSON reading and writing, CSV cells,
//! dates, and number formatting. Nothing here knows what a catalog or a context is.

pub mod bytes;
pub mod csv;
pub mod date;
pub mod diag;
pub mod float;
pub mod json;
pub mod num;
pub mod out;
pub mod read;
pub mod sort;
pub mod vocab;

/// A hash map with a fast, unseeded hash: its keys come from the config, and lookups must not
/// cost a SipHash round each.
pub type FastMap<K, V> = std::collections::HashMap<K, V, rustc_hash::FxBuildHasher>;

/// A hash set with the hash of [`FastMap`].
pub type FastSet<K> = std::collections::HashSet<K, rustc_hash::FxBuildHasher>;
