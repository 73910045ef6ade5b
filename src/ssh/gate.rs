//! The door of `chibo serve`: how many connections may be signing in at once, in all and
//! from one address, and how long each may take. A connection holds a [`Pass`] from the
//! moment it is accepted until it signs in (or goes away); a flood of idle connections
//! therefore fills a fixed number of places and is turned away at the door, instead of
//! holding file descriptors until the process can open nothing more.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// The limits on connections that have not signed in yet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GateLimits {
    /// Connections still signing in, from everywhere.
    pub unauthenticated: usize,
    /// Connections still signing in, from one address.
    pub per_address: usize,
    /// The time a connection has to sign in before it is closed.
    pub login_grace: Duration,
}

impl Default for GateLimits {
    fn default() -> GateLimits {
        GateLimits {
            unauthenticated: 64,
            per_address: 10,
            login_grace: Duration::from_secs(30),
        }
    }
}

/// Why a connection was turned away.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refused {
    /// Too many connections are signing in from everywhere.
    Crowded,
    /// Too many connections are signing in from this address.
    AddressCrowded,
}

/// Counts the connections signing in.
#[derive(Debug, Clone)]
pub struct Gate {
    limits: GateLimits,
    waiting: Arc<Mutex<Waiting>>,
}

#[derive(Debug, Default)]
struct Waiting {
    total: usize,
    by_address: HashMap<IpAddr, usize>,
}

/// A place among the connections signing in, given back when dropped: when the
/// connection signs in, or closes, or is closed for taking too long.
#[derive(Debug)]
pub struct Pass {
    address: IpAddr,
    waiting: Arc<Mutex<Waiting>>,
}

impl Gate {
    pub fn new(limits: GateLimits) -> Gate {
        Gate {
            limits,
            waiting: Arc::default(),
        }
    }

    pub fn limits(&self) -> GateLimits {
        self.limits
    }

    /// A place for a new connection from `address`, if one is free.
    pub fn admit(&self, address: IpAddr) -> Result<Pass, Refused> {
        let mut waiting = self.waiting.lock().unwrap_or_else(|e| e.into_inner());
        if waiting.total >= self.limits.unauthenticated {
            return Err(Refused::Crowded);
        }
        let from_here = waiting.by_address.entry(address).or_default();
        if *from_here >= self.limits.per_address {
            return Err(Refused::AddressCrowded);
        }
        *from_here += 1;
        waiting.total += 1;
        Ok(Pass {
            address,
            waiting: self.waiting.clone(),
        })
    }

    /// How many connections are signing in now.
    #[cfg(test)]
    pub fn waiting(&self) -> usize {
        self.waiting.lock().map(|w| w.total).unwrap_or_default()
    }
}

impl Drop for Pass {
    fn drop(&mut self) {
        let mut waiting = self.waiting.lock().unwrap_or_else(|e| e.into_inner());
        waiting.total = waiting.total.saturating_sub(1);
        if let Some(n) = waiting.by_address.get_mut(&self.address) {
            *n = n.saturating_sub(1);
            if *n == 0 {
                waiting.by_address.remove(&self.address);
            }
        }
    }
}

/// Raises this process's soft limit on open files to its hard limit, so that the caps
/// above, not the default 1,024, decide how many sessions fit. Returns the limit in force.
pub fn raise_descriptor_limit() -> Option<u64> {
    let mut limit = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit and setrlimit only read and write the struct passed to them.
    unsafe {
        if libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) != 0 {
            return None;
        }
        if limit.rlim_cur < limit.rlim_max {
            let raised = libc::rlimit {
                rlim_cur: limit.rlim_max,
                rlim_max: limit.rlim_max,
            };
            if libc::setrlimit(libc::RLIMIT_NOFILE, &raised) == 0 {
                limit = raised;
            }
        }
    }
    Some(limit.rlim_cur)
}

/// Whether an accept failed because the process or the system has no descriptor left: a
/// state to wait out, not a reason to stop serving.
pub fn out_of_descriptors(error: &std::io::Error) -> bool {
    matches!(error.raw_os_error(), Some(libc::EMFILE | libc::ENFILE))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(last: u8) -> IpAddr {
        IpAddr::from([127, 0, 0, last])
    }

    #[test]
    fn one_address_fills_its_own_places_and_no_more() {
        let gate = Gate::new(GateLimits {
            unauthenticated: 5,
            per_address: 2,
            ..GateLimits::default()
        });
        let a = [gate.admit(ip(2)).unwrap(), gate.admit(ip(2)).unwrap()];
        assert_eq!(gate.admit(ip(2)).unwrap_err(), Refused::AddressCrowded);
        let b = gate.admit(ip(1)).unwrap();
        assert_eq!(gate.waiting(), 3);
        drop(a);
        assert_eq!(gate.waiting(), 1);
        assert!(
            gate.admit(ip(2)).is_ok(),
            "places come back when passes are dropped"
        );
        drop(b);
    }

    #[test]
    fn everyone_together_is_held_to_the_total() {
        let gate = Gate::new(GateLimits {
            unauthenticated: 3,
            per_address: 3,
            ..GateLimits::default()
        });
        let held: Vec<_> = (1..=3).map(|i| gate.admit(ip(i)).unwrap()).collect();
        assert_eq!(gate.admit(ip(9)).unwrap_err(), Refused::Crowded);
        drop(held);
        assert_eq!(gate.waiting(), 0);
    }

    #[test]
    fn the_descriptor_limit_is_raised_to_the_hard_limit() {
        let limit = raise_descriptor_limit().unwrap();
        assert!(limit >= 256, "{limit}");
        let too_many = std::io::Error::from_raw_os_error(libc::EMFILE);
        assert!(out_of_descriptors(&too_many));
        assert!(!out_of_descriptors(&std::io::Error::other("x")));
    }
}
