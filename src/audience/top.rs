//! A bounded "top N" list: the N best items by (score, then lowest index), kept in a heap so
//! memory stays bounded however many items are offered, and the result does not depend on
//! the order they were offered in (merging two lists gives the list of the union).

use std::cmp::{Ordering, Reverse};
use std::collections::BinaryHeap;

#[derive(Clone, Debug)]
struct Ranked<T> {
    score: f64,
    index: u64,
    item: T,
}

impl<T> Ranked<T> {
    /// Greater is better: a higher score, then a lower index.
    fn order(&self, other: &Self) -> Ordering {
        self.score
            .total_cmp(&other.score)
            .then_with(|| other.index.cmp(&self.index))
    }
}

impl<T> PartialEq for Ranked<T> {
    fn eq(&self, other: &Self) -> bool {
        self.order(other) == Ordering::Equal
    }
}

impl<T> Eq for Ranked<T> {}

impl<T> PartialOrd for Ranked<T> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl<T> Ord for Ranked<T> {
    fn cmp(&self, other: &Self) -> Ordering {
        self.order(other)
    }
}

/// The best `cap` items offered.
#[derive(Clone, Debug)]
pub struct Top<T> {
    cap: usize,
    heap: BinaryHeap<Reverse<Ranked<T>>>,
}

impl<T> Top<T> {
    /// An empty list keeping at most `cap` items.
    pub fn new(cap: usize) -> Self {
        Top {
            cap,
            heap: BinaryHeap::with_capacity(cap.min(1024) + 1),
        }
    }

    /// Whether an item with this score and index would be kept.
    pub fn wants(&self, score: f64, index: u64) -> bool {
        if self.cap == 0 || score.is_nan() {
            return false;
        }
        if self.heap.len() < self.cap {
            return true;
        }
        self.heap.peek().is_some_and(|Reverse(worst)| {
            worst
                .score
                .total_cmp(&score)
                .then_with(|| index.cmp(&worst.index))
                == Ordering::Less
        })
    }

    /// Offers an item, made only when it is kept.
    pub fn offer(&mut self, score: f64, index: u64, make: impl FnOnce() -> T) {
        if !self.wants(score, index) {
            return;
        }
        self.heap.push(Reverse(Ranked {
            score,
            index,
            item: make(),
        }));
        if self.heap.len() > self.cap {
            self.heap.pop();
        }
    }

    /// Adds the items of another list.
    pub fn merge(&mut self, other: Top<T>) {
        for Reverse(r) in other.heap {
            self.offer(r.score, r.index, || r.item);
        }
    }

    /// The items, best first.
    pub fn into_sorted(self) -> Vec<T> {
        let mut v: Vec<Ranked<T>> = self.heap.into_iter().map(|Reverse(r)| r).collect();
        v.sort_by(|a, b| b.order(a));
        v.into_iter().map(|r| r.item).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_the_best_whatever_the_order() {
        let items = [(3.0, 1), (5.0, 2), (5.0, 0), (1.0, 3), (4.0, 4), (5.0, 5)];
        let mut a = Top::new(3);
        for (s, i) in items {
            a.offer(s, i, || i);
        }
        let mut b = Top::new(3);
        for (s, i) in items.iter().rev() {
            b.offer(*s, *i, || *i);
        }
        let mut left = Top::new(3);
        let mut right = Top::new(3);
        for (n, (s, i)) in items.iter().enumerate() {
            if n % 2 == 0 { &mut left } else { &mut right }.offer(*s, *i, || *i);
        }
        left.merge(right);
        assert_eq!(a.into_sorted(), vec![0, 2, 5]);
        assert_eq!(b.into_sorted(), vec![0, 2, 5]);
        assert_eq!(left.into_sorted(), vec![0, 2, 5]);
        let mut none = Top::new(0);
        none.offer(1.0, 0, || 0);
        assert!(none.into_sorted().is_empty());
    }
}
