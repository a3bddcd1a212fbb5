//! A compact, deterministic binary encoding: unsigned LEB128 integers, little-endian `f64`,
//! length-prefixed UTF-8 strings. The writer cannot fail; the reader never panics and never
//! allocates more than the bytes it was given could describe, so a corrupt or hostile input is
//! an error, not a crash or a huge allocation.

/// Writes values one after the other.
#[derive(Clone, Debug, Default)]
pub struct Writer {
    /// The bytes written so far.
    pub bytes: Vec<u8>,
}

impl Writer {
    /// An unsigned integer, 7 bits a byte, low bits first.
    pub fn uint(&mut self, mut v: u64) {
        loop {
            let byte = (v & 0x7f) as u8;
            v >>= 7;
            if v == 0 {
                self.bytes.push(byte);
                return;
            }
            self.bytes.push(byte | 0x80);
        }
    }

    /// A length or an index.
    pub fn len(&mut self, n: usize) {
        self.uint(n as u64);
    }

    /// A boolean as one byte.
    pub fn bool(&mut self, b: bool) {
        self.bytes.push(u8::from(b));
    }

    /// A byte.
    pub fn byte(&mut self, b: u8) {
        self.bytes.push(b);
    }

    /// A float, 8 bytes little-endian.
    pub fn f64(&mut self, v: f64) {
        self.bytes.extend_from_slice(&v.to_le_bytes());
    }

    /// A number, short when it is a whole number from 0 to 2^53 (most limits, prices and
    /// priorities): twice the number as an integer, or 1 and the 8 bytes of the float.
    pub fn num(&mut self, v: f64) {
        if v.fract() == 0.0 && (0.0..9_007_199_254_740_992.0).contains(&v) && v.is_sign_positive() {
            self.uint((v as u64) << 1);
        } else {
            self.uint(1);
            self.f64(v);
        }
    }

    /// A string: its byte length, then its UTF-8 bytes.
    pub fn str(&mut self, s: &str) {
        self.len(s.len());
        self.bytes.extend_from_slice(s.as_bytes());
    }

    /// An optional value: a 0 byte, or a 1 byte and the value.
    pub fn opt<T>(&mut self, v: Option<T>, mut each: impl FnMut(&mut Writer, T)) {
        match v {
            None => self.byte(0),
            Some(x) => {
                self.byte(1);
                each(self, x);
            }
        }
    }

    /// A list: its length, then each item.
    pub fn list<T>(&mut self, items: &[T], mut each: impl FnMut(&mut Writer, &T)) {
        self.len(items.len());
        for x in items {
            each(self, x);
        }
    }
}

/// Items written once each and referred to by index: the writer gives each distinct encoding
/// the next index, in order of first use, so the table is deterministic.
#[derive(Clone, Debug, Default)]
pub struct Table {
    /// How many distinct items.
    pub count: usize,
    /// Their encodings, one after the other.
    pub bytes: Vec<u8>,
    index: std::collections::HashMap<Vec<u8>, usize>,
}

impl Table {
    /// The index of the item `encode` writes, adding it when new.
    pub fn add(&mut self, encode: impl FnOnce(&mut Writer)) -> usize {
        let mut w = Writer::default();
        encode(&mut w);
        if let Some(i) = self.index.get(&w.bytes) {
            return *i;
        }
        let i = self.count;
        self.count += 1;
        self.bytes.extend_from_slice(&w.bytes);
        self.index.insert(w.bytes, i);
        i
    }

    /// Writes the table: its item count, then the items.
    pub fn write(&self, w: &mut Writer) {
        w.len(self.count);
        w.bytes.extend_from_slice(&self.bytes);
    }
}

/// Why bytes could not be read: a short description of what was wrong and where.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BytesError {
    /// What was wrong, such as "truncated" or "a string is not UTF-8".
    pub what: &'static str,
    /// Offset of the byte where it was found.
    pub at: usize,
}

/// The result of reading.
pub type Read<T> = Result<T, BytesError>;

/// Reads values written by [`Writer`].
#[derive(Clone, Debug)]
pub struct Reader<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    /// A reader at the start of `bytes`.
    pub fn new(bytes: &'a [u8]) -> Self {
        Reader { bytes, pos: 0 }
    }

    /// An error at the current position.
    #[inline]
    pub fn error<T>(&self, what: &'static str) -> Read<T> {
        Err(self.fail(what))
    }

    /// The error of [`Reader::error`], out of line: the paths that refuse bytes are cold.
    #[cold]
    #[inline(never)]
    fn fail(&self, what: &'static str) -> BytesError {
        BytesError { what, at: self.pos }
    }

    /// Whether every byte has been read.
    pub fn at_end(&self) -> bool {
        self.pos >= self.bytes.len()
    }

    /// Bytes not yet read.
    pub fn left(&self) -> usize {
        self.bytes.len().saturating_sub(self.pos)
    }

    /// The next `n` bytes.
    pub fn take(&mut self, n: usize) -> Read<&'a [u8]> {
        let end = self.pos.checked_add(n).filter(|e| *e <= self.bytes.len());
        match end.and_then(|e| self.bytes.get(self.pos..e)) {
            Some(s) => {
                self.pos += n;
                Ok(s)
            }
            None => self.error("truncated"),
        }
    }

    /// One byte.
    pub fn byte(&mut self) -> Read<u8> {
        match self.bytes.get(self.pos) {
            Some(b) => {
                self.pos += 1;
                Ok(*b)
            }
            None => self.error("truncated"),
        }
    }

    /// An unsigned integer of at most 64 bits.
    #[inline]
    pub fn uint(&mut self) -> Read<u64> {
        // Most integers (tags, lengths, indexes) take one byte.
        match self.bytes.get(self.pos) {
            Some(b) if *b < 0x80 => {
                self.pos += 1;
                Ok(u64::from(*b))
            }
            _ => self.uint_long(),
        }
    }

    /// An integer of more than one byte (or the error of a truncated one).
    #[inline(never)]
    fn uint_long(&mut self) -> Read<u64> {
        let mut v: u64 = 0;
        for shift in (0..64).step_by(7) {
            let b = self.byte()?;
            v |= u64::from(b & 0x7f) << shift;
            if b & 0x80 == 0 {
                return Ok(v);
            }
        }
        self.error("an integer is too long")
    }

    /// An integer below `bound` (an index into something of that length, or a count).
    pub fn below(&mut self, bound: usize) -> Read<usize> {
        let v = self.uint()?;
        if v < bound as u64 {
            Ok(v as usize)
        } else {
            self.error("an index is out of range")
        }
    }

    /// A `u32`.
    pub fn u32(&mut self) -> Read<u32> {
        let v = self.uint()?;
        u32::try_from(v).or_else(|_| self.error("a number is out of range"))
    }

    /// The length of a list whose items take at least `min_item_bytes` bytes each: never more
    /// than the bytes left could hold.
    pub fn len(&mut self, min_item_bytes: usize) -> Read<usize> {
        let v = self.uint()?;
        if v <= (self.left() / min_item_bytes.max(1)) as u64 {
            Ok(v as usize)
        } else {
            self.error("a length is larger than the bytes left")
        }
    }

    /// A boolean.
    pub fn bool(&mut self) -> Read<bool> {
        match self.byte()? {
            0 => Ok(false),
            1 => Ok(true),
            _ => self.error("a flag is neither 0 nor 1"),
        }
    }

    /// A float.
    pub fn f64(&mut self) -> Read<f64> {
        let b = self.take(8)?;
        let mut a = [0u8; 8];
        a.copy_from_slice(b);
        Ok(f64::from_le_bytes(a))
    }

    /// A finite float.
    pub fn finite(&mut self) -> Read<f64> {
        let v = self.f64()?;
        if v.is_finite() {
            Ok(v)
        } else {
            self.error("a number is not finite")
        }
    }

    /// A finite number written by [`Writer::num`].
    pub fn num(&mut self) -> Read<f64> {
        match self.uint()? {
            1 => self.finite(),
            n if n & 1 == 0 && n >> 1 <= 9_007_199_254_740_992 => Ok((n >> 1) as f64),
            _ => self.error("a number is malformed"),
        }
    }

    /// A string.
    pub fn str(&mut self) -> Read<&'a str> {
        let n = self.len(1)?;
        let b = self.take(n)?;
        std::str::from_utf8(b).or_else(|_| self.error("a string is not UTF-8"))
    }

    /// An owned string.
    pub fn string(&mut self) -> Read<String> {
        self.str().map(str::to_owned)
    }

    /// An optional value.
    pub fn opt<T>(&mut self, each: impl FnOnce(&mut Self) -> Read<T>) -> Read<Option<T>> {
        match self.byte()? {
            0 => Ok(None),
            1 => each(self).map(Some),
            _ => self.error("an option tag is neither 0 nor 1"),
        }
    }

    /// A list whose items take at least `min_item_bytes` bytes each.
    pub fn list<T>(
        &mut self,
        min_item_bytes: usize,
        mut each: impl FnMut(&mut Self) -> Read<T>,
    ) -> Read<Vec<T>> {
        let n = self.len(min_item_bytes)?;
        let mut out = Vec::with_capacity(n);
        for _ in 0..n {
            out.push(each(self)?);
        }
        Ok(out)
    }
}

/// The content hash of a compiled catalog (a check against corruption and a cache key, not a
/// signature): four lanes of 8-byte little-endian words, each lane `(lane ^ word) * K` rotated
/// (a bijection of the lane, so changing any one word always changes the hash), the last
/// bytes by [`fnv1a64`], then the lanes and the length mixed together. Four independent lanes
/// of words run about ten times faster than FNV-1a's one multiply a byte.
pub fn content_hash(bytes: &[u8]) -> u64 {
    const K: u64 = 0x9e37_79b9_7f4a_7c15;
    let step = |h: u64, w: u64| (h ^ w).wrapping_mul(K).rotate_left(29);
    let mut lanes: [u64; 4] = [
        0xcbf2_9ce4_8422_2325,
        0x8422_2325_cbf2_9ce4,
        0x0000_0100_0000_01b3,
        0x6c62_272e_07bb_0142,
    ];
    let word = |b: &[u8]| match b.first_chunk::<8>() {
        Some(w) => u64::from_le_bytes(*w),
        None => 0,
    };
    let mut blocks = bytes.chunks_exact(32);
    for block in &mut blocks {
        let [a, b, c, d] = &mut lanes;
        *a = step(*a, word(block));
        *b = step(*b, word(block.get(8..).unwrap_or_default()));
        *c = step(*c, word(block.get(16..).unwrap_or_default()));
        *d = step(*d, word(block.get(24..).unwrap_or_default()));
    }
    let mut h = fnv1a64(blocks.remainder()) ^ bytes.len() as u64;
    for lane in lanes {
        h = step(h, lane);
    }
    // MurmurHash3's finalizer.
    h ^= h >> 33;
    h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
    h ^= h >> 33;
    h = h.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    h ^ (h >> 33)
}

/// 64-bit FNV-1a of `bytes`.
pub fn fnv1a64(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Whole numbers (written short) and the rest (written as floats), `-0` among them.
    const NUMBERS: [f64; 8] = [
        0.0,
        1.0,
        42.0,
        9_007_199_254_740_991.0,
        0.95,
        -3.0,
        -0.0,
        1e300,
    ];

    #[test]
    fn values_round_trip_and_short_input_is_an_error() {
        let mut w = Writer::default();
        for v in [0u64, 1, 127, 128, 300, u64::from(u32::MAX), u64::MAX] {
            w.uint(v);
        }
        w.f64(-0.5);
        for v in NUMBERS {
            w.num(v);
        }
        w.str("席を追加");
        w.opt(Some(7u64), |w, v| w.uint(v));
        w.opt(None::<u64>, |w, v| w.uint(v));
        w.list(&[1.0, 2.0], |w, v| w.f64(*v));
        let mut r = Reader::new(&w.bytes);
        for v in [0u64, 1, 127, 128, 300, u64::from(u32::MAX), u64::MAX] {
            assert_eq!(r.uint(), Ok(v));
        }
        assert_eq!(r.f64(), Ok(-0.5));
        for v in NUMBERS {
            let got = r.num().unwrap();
            assert_eq!(got.to_bits(), f64::to_bits(v), "{v}");
        }
        assert_eq!(r.str(), Ok("席を追加"));
        assert_eq!(r.opt(Reader::uint), Ok(Some(7)));
        assert_eq!(r.opt(Reader::uint), Ok(None));
        assert_eq!(r.list(8, Reader::f64), Ok(vec![1.0, 2.0]));
        assert!(r.at_end());
        for cut in 0..w.bytes.len() {
            let mut r = Reader::new(w.bytes.get(..cut).unwrap_or_default());
            let all = (|| -> Read<()> {
                for _ in 0..7 {
                    r.uint()?;
                }
                r.f64()?;
                for _ in 0..8 {
                    r.num()?;
                }
                r.str()?;
                r.opt(Reader::uint)?;
                r.opt(Reader::uint)?;
                r.list(8, Reader::f64)?;
                Ok(())
            })();
            assert!(all.is_err(), "{cut}");
        }
    }

    #[test]
    fn the_content_hash_sees_every_byte_and_every_length() {
        let bytes: Vec<u8> = (0..200u32).map(|i| (i * 37 % 251) as u8).collect();
        let mut seen = std::collections::HashSet::new();
        for n in 0..bytes.len() {
            assert!(seen.insert(content_hash(&bytes[..n])), "{n}");
        }
        let h = content_hash(&bytes);
        for i in 0..bytes.len() {
            for bit in 0..8 {
                let mut b = bytes.clone();
                b[i] ^= 1 << bit;
                assert_ne!(content_hash(&b), h, "{i} {bit}");
            }
        }
    }

    #[test]
    fn a_table_writes_each_item_once_in_order_of_first_use() {
        let mut t = Table::default();
        let idx: Vec<usize> = ["a", "b", "a", "c", "b"]
            .iter()
            .map(|s| t.add(|w| w.str(s)))
            .collect();
        assert_eq!(idx, [0, 1, 0, 2, 1]);
        let mut w = Writer::default();
        t.write(&mut w);
        let mut r = Reader::new(&w.bytes);
        assert_eq!(r.list(1, Reader::str), Ok(vec!["a", "b", "c"]));
        assert!(r.at_end());
    }

    #[test]
    fn a_length_beyond_the_input_is_refused_before_allocating() {
        let mut w = Writer::default();
        w.uint(u64::MAX >> 1);
        assert_eq!(
            Reader::new(&w.bytes).list(1, Reader::byte).map(|v| v.len()),
            Err(BytesError {
                what: "a length is larger than the bytes left",
                at: 9
            })
        );
    }
}
