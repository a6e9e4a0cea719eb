//! How one travels to a site on a network: the one travel-mode type of the
//! crate. As the crow flies (`--mode vol-oiseau`) is not a travel mode but
//! the absence of one: a run without a [`TravelMode`] measures geodesic
//! distances.

use std::fmt;

/// A travel mode on a network.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum TravelMode {
    /// *Marche*: walking.
    Marche,
    /// *Vélo*: cycling.
    Velo,
    /// *Voiture*: driving.
    Voiture,
    /// *Transport*: public transport, with walking to, between and from
    /// its stops.
    Transport,
}

impl TravelMode {
    /// Every mode, in the order of the help.
    pub const ALL: [TravelMode; 4] = [
        TravelMode::Marche,
        TravelMode::Velo,
        TravelMode::Voiture,
        TravelMode::Transport,
    ];

    /// The French name used on the command line, in messages and tables.
    pub fn name(self) -> &'static str {
        match self {
            TravelMode::Marche => "marche",
            TravelMode::Velo => "velo",
            TravelMode::Voiture => "voiture",
            TravelMode::Transport => "transport",
        }
    }

    /// How the mode is travelled, in words: `à pied`, `à vélo`, `en
    /// voiture`, `en transports en commun`.
    pub fn phrase(self) -> &'static str {
        match self {
            TravelMode::Marche => "à pied",
            TravelMode::Velo => "à vélo",
            TravelMode::Voiture => "en voiture",
            TravelMode::Transport => "en transports en commun",
        }
    }

    /// The mode whose street network this mode travels: itself on the
    /// roads, walking for public transport (its access, transfers and
    /// egress are on foot).
    pub fn street(self) -> TravelMode {
        match self {
            TravelMode::Transport => TravelMode::Marche,
            m => m,
        }
    }

    /// Whether one-way streets bind this mode (its graph is then directed).
    pub fn is_directed(self) -> bool {
        matches!(self, TravelMode::Velo | TravelMode::Voiture)
    }
}

impl fmt::Display for TravelMode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}
