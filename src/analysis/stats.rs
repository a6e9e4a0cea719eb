//! Weighted summaries of distances: mean, median, 90th percentile.

/// A weighted summary of a distribution.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct WeightedSummary {
    /// Sum of the weights (people).
    pub weight: f64,
    pub mean: f64,
    pub median: f64,
    pub p90: f64,
}

/// Summarises `(value, weight)` pairs.
///
/// The quantile `q` is the smallest value whose cumulative weight reaches
/// `q` of the total (the lower weighted quantile: with unit weights, the
/// ⌈q·n⌉-th smallest value). The sum is taken in the order of the sorted
/// values, so the result does not depend on the input order. `None` when
/// the total weight is zero.
///
/// # Examples
/// ```
/// use maillage::analysis::stats::summarise;
/// // Three communes: 100 people at 1 km, 300 at 2 km, 100 at 10 km.
/// let s = summarise(&[(2.0, 300.0), (10.0, 100.0), (1.0, 100.0)]).unwrap();
/// assert_eq!(s.weight, 500.0);
/// assert_eq!(s.mean, 3.4);
/// assert_eq!(s.median, 2.0);
/// assert_eq!(s.p90, 10.0);
/// ```
pub fn summarise(values: &[(f64, f64)]) -> Option<WeightedSummary> {
    let mut v: Vec<(f64, f64)> = values.iter().copied().filter(|(_, w)| *w > 0.0).collect();
    v.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.total_cmp(&b.1)));
    let total: f64 = v.iter().map(|(_, w)| w).sum();
    if total <= 0.0 {
        return None;
    }
    let mean = v.iter().map(|(x, w)| x * w).sum::<f64>() / total;
    let quantile = |q: f64| {
        let target = q * total;
        let mut acc = 0.0;
        for (x, w) in &v {
            acc += w;
            // A relative epsilon absorbs rounding in the running sum.
            if acc >= target * (1.0 - 1e-12) {
                return *x;
            }
        }
        v[v.len() - 1].0
    };
    Some(WeightedSummary {
        weight: total,
        mean,
        median: quantile(0.5),
        p90: quantile(0.9),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unit_weights_give_order_statistics() {
        let vals: Vec<(f64, f64)> = (1..=10).map(|i| (f64::from(i), 1.0)).collect();
        let s = summarise(&vals).unwrap();
        assert_eq!((s.median, s.p90, s.mean), (5.0, 9.0, 5.5));
    }

    #[test]
    fn order_of_input_does_not_matter_and_zero_weight_is_none() {
        let a = summarise(&[(3.0, 2.0), (1.0, 5.0), (7.0, 1.0)]).unwrap();
        let b = summarise(&[(7.0, 1.0), (3.0, 2.0), (1.0, 5.0)]).unwrap();
        assert_eq!(a, b);
        assert!(summarise(&[(1.0, 0.0)]).is_none());
        assert!(summarise(&[]).is_none());
    }
}
