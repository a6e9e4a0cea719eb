//! Units: a length in [`Meters`] or [`Km`], a duration in [`Minutes`], a
//! [`Share`] between 0 and 1, and the cost of reaching a site, [`Cost`]: a
//! geodesic length as the crow flies or a travel time by network, never the
//! one read as the other.
//!
//! A run measures in one [`Unit`]. Its per-place tables keep bare numbers in
//! that unit beside the unit itself (`analysis::basics::Costs`); every
//! threshold, reach and radius a person gives is a [`Cost`], and comparing
//! it with a table goes through [`Cost::value_in`], which refuses the other
//! unit.

use std::cmp::Ordering;
use std::fmt;

/// A length in metres.
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd, Default)]
pub struct Meters(pub f64);

impl Meters {
    pub fn from_km(km: f64) -> Self {
        Meters(km * 1000.0)
    }
    pub fn km(self) -> f64 {
        self.0 / 1000.0
    }
}

/// A positive, finite distance in km, as people type it (`--portee-km 3`).
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd)]
pub struct Km(pub f64);

impl Km {
    pub fn meters(self) -> Meters {
        Meters::from_km(self.0)
    }
}

impl fmt::Display for Km {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// A positive, finite duration in minutes (`--portee-min 15`).
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd)]
pub struct Minutes(pub f64);

impl fmt::Display for Minutes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// A share between 0 and 1 (`--taux-non-mobiles 0.32`).
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd)]
pub struct Share(pub f64);

/// The unit of a run's costs and thresholds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Unit {
    /// Geodesic metres (shown as km).
    Metres,
    /// Minutes door to door on a network.
    Minutes,
}

impl Unit {
    /// A cost in the unit people read: km or minutes.
    pub fn shown(self, cost: f64) -> f64 {
        match self {
            Unit::Metres => cost / 1000.0,
            Unit::Minutes => cost,
        }
    }

    /// The cost of a value in the unit people read (km or minutes).
    pub fn from_shown(self, value: f64) -> f64 {
        match self {
            Unit::Metres => value * 1000.0,
            Unit::Minutes => value,
        }
    }

    /// `weight × cost` in the unit people read (`weight × m / 1000` for
    /// km, in that order, as the placement has always summed it).
    pub fn weighted(self, weight: f64, cost: f64) -> f64 {
        match self {
            Unit::Metres => weight * cost / 1000.0,
            Unit::Minutes => weight * cost,
        }
    }

    /// The short French symbol: `km` or `min`.
    pub fn symbol(self) -> &'static str {
        match self {
            Unit::Metres => "km",
            Unit::Minutes => "min",
        }
    }

    /// The cost of `value` in this unit's raw number (metres or minutes).
    pub fn cost(self, value: f64) -> Cost {
        match self {
            Unit::Metres => Cost::Length(Meters(value)),
            Unit::Minutes => Cost::Time(Minutes(value)),
        }
    }
}

/// What reaching a site costs: a geodesic length, or a travel time on a
/// network. A threshold, a reach or a radius is one; two costs of
/// different units never compare (`partial_cmp` gives `None`, so `<` and
/// `>` are false, and [`Cost::value_in`] refuses).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Cost {
    Length(Meters),
    Time(Minutes),
}

impl Cost {
    /// A length of `km` kilometres.
    pub fn km(km: f64) -> Cost {
        Cost::Length(Meters::from_km(km))
    }

    /// A time of `min` minutes.
    pub fn minutes(min: f64) -> Cost {
        Cost::Time(Minutes(min))
    }

    /// The cost's unit.
    pub fn unit(self) -> Unit {
        match self {
            Cost::Length(_) => Unit::Metres,
            Cost::Time(_) => Unit::Minutes,
        }
    }

    /// The raw number in the cost's own unit: metres or minutes.
    pub fn raw(self) -> f64 {
        match self {
            Cost::Length(m) => m.0,
            Cost::Time(t) => t.0,
        }
    }

    /// The raw number to compare with a table measured in `unit`, or
    /// `None` when the cost is of the other unit.
    pub fn value_in(self, unit: Unit) -> Option<f64> {
        (self.unit() == unit).then_some(self.raw())
    }

    /// The number people read: km or minutes.
    pub fn shown(self) -> f64 {
        self.unit().shown(self.raw())
    }
}

impl PartialOrd for Cost {
    fn partial_cmp(&self, other: &Cost) -> Option<Ordering> {
        match (self, other) {
            (Cost::Length(a), Cost::Length(b)) => a.0.partial_cmp(&b.0),
            (Cost::Time(a), Cost::Time(b)) => a.0.partial_cmp(&b.0),
            _ => None,
        }
    }
}

impl fmt::Display for Cost {
    /// `5 km`, `12,5 km`, `15 min`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} {}",
            crate::base::french::km(self.shown()),
            self.unit().symbol()
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn costs_of_two_units_never_compare() {
        let (five_km, five_min) = (Cost::km(5.0), Cost::minutes(5.0));
        assert!(Cost::km(4.0) < five_km);
        assert!(five_km.partial_cmp(&five_min).is_none());
        assert_eq!(five_km.value_in(Unit::Metres), Some(5000.0));
        assert_eq!(five_km.value_in(Unit::Minutes), None);
        assert_eq!(five_min.to_string(), "5 min");
        assert_eq!(Cost::km(12.5).to_string(), "12,5 km");
        assert_eq!(Unit::Minutes.cost(15.0), Cost::minutes(15.0));
    }
}
