//! Distance from every commune to its nearest site.

use rayon::prelude::*;

use crate::index::{Nearest, SiteIndex};
use crate::model::{LonLat, Territory};

/// The nearest site to each point, in the order of `points`; `None` when there
/// is no site. Runs in parallel; the result does not depend on the number of
/// threads (each query is independent and the order is kept).
pub fn nearest_sites(index: &SiteIndex, points: &[LonLat]) -> Vec<Option<Nearest>> {
    points.par_iter().map(|p| index.nearest(*p)).collect()
}

/// The number of sites standing in each commune (by the commune each site
/// belongs to), in commune order.
pub fn sites_per_commune(territory: &Territory) -> Vec<usize> {
    let mut counts = vec![0; territory.communes.len()];
    for s in &territory.sites {
        if let Some(i) = s.commune.as_ref().and_then(|c| territory.commune_index(c)) {
            counts[i] += 1;
        }
    }
    counts
}
