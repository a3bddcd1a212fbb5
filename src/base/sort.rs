//! One stable sort for every element type: a merge sort over indices, compiled once, with a
//! thin generic wrapper that moves the elements into place. The standard library's sorts are
//! faster on large inputs but are compiled again for every element type and comparator, which
//! costs kilobytes of WebAssembly each; the lists sorted here are short (candidates, unlock
//! options, timestamps).

use std::cmp::Ordering;

/// The order of `0..n` sorted stably by `cmp` over indices.
pub fn order(n: usize, cmp: &mut dyn FnMut(usize, usize) -> Ordering) -> Vec<usize> {
    let mut a: Vec<usize> = (0..n).collect();
    let mut b: Vec<usize> = vec![0; n];
    let mut width = 1;
    // Bottom-up merge sort; runs of one element are already sorted.
    while width < n {
        let mut start = 0;
        while start < n {
            let mid = (start + width).min(n);
            let end = (start + 2 * width).min(n);
            let (mut i, mut j, mut k) = (start, mid, start);
            while k < end {
                let take_left = if i >= mid {
                    false
                } else if j >= end {
                    true
                } else {
                    let (x, y) = (a.get(i).copied(), a.get(j).copied());
                    match (x, y) {
                        (Some(x), Some(y)) => cmp(y, x) != Ordering::Less,
                        _ => true,
                    }
                };
                let from = if take_left {
                    i += 1;
                    i - 1
                } else {
                    j += 1;
                    j - 1
                };
                if let (Some(dst), Some(src)) = (b.get_mut(k), a.get(from)) {
                    *dst = *src;
                }
                k += 1;
            }
            start = end;
        }
        std::mem::swap(&mut a, &mut b);
        width *= 2;
    }
    a
}

/// Sorts `v` stably by `cmp`.
pub fn sort_by<T>(v: &mut Vec<T>, mut cmp: impl FnMut(&T, &T) -> Ordering) {
    if v.len() < 2 {
        return;
    }
    let idx = {
        let items = &*v;
        order(
            items.len(),
            &mut |a, b| match (items.get(a), items.get(b)) {
                (Some(x), Some(y)) => cmp(x, y),
                _ => Ordering::Equal,
            },
        )
    };
    let mut slots: Vec<Option<T>> = v.drain(..).map(Some).collect();
    v.extend(
        idx.iter()
            .filter_map(|i| slots.get_mut(*i).and_then(Option::take)),
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorts_stably() {
        let mut v: Vec<(u32, usize)> = [5, 3, 5, 1, 3, 9, 0, 5]
            .iter()
            .enumerate()
            .map(|(i, k)| (*k, i))
            .collect();
        sort_by(&mut v, |a, b| a.0.cmp(&b.0));
        assert_eq!(
            v,
            [
                (0, 6),
                (1, 3),
                (3, 1),
                (3, 4),
                (5, 0),
                (5, 2),
                (5, 7),
                (9, 5)
            ]
        );
        for n in 0..70usize {
            let mut w: Vec<usize> = (0..n).map(|i| (i * 7919 + 13) % 31).collect();
            let mut want = w.clone();
            want.sort();
            sort_by(&mut w, |a, b| a.cmp(b));
            assert_eq!(w, want);
        }
    }
}
