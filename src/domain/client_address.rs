//! Who the client is: the socket's peer, unless that peer is a proxy we were told to
//! trust (`LADDER_TRUSTED_PROXIES`), in which case `X-Forwarded-For` names the client.
//! Rate limits, `/metrics` and `/dev/mailbox` all ask this one place.

use std::net::IpAddr;

use super::ParseError;

/// An address block such as `10.0.0.0/8`, `::1/128`, or a single address.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IpBlock {
    network: IpAddr,
    prefix: u8,
}

impl IpBlock {
    pub fn parse(text: &str) -> Result<Self, ParseError> {
        let text = text.trim();
        let bad = || ParseError::new(format!("`{text}` is not an IP address or CIDR block"));
        let (address, prefix) = match text.split_once('/') {
            Some((a, p)) => (a, Some(p.parse::<u8>().map_err(|_| bad())?)),
            None => (text, None),
        };
        let network: IpAddr = address.parse().map_err(|_| bad())?;
        let max = if network.is_ipv4() { 32 } else { 128 };
        let prefix = prefix.unwrap_or(max);
        if prefix > max {
            return Err(bad());
        }
        Ok(IpBlock { network, prefix })
    }

    pub fn contains(&self, ip: IpAddr) -> bool {
        let ip = canonical(ip);
        match (self.network, ip) {
            (IpAddr::V4(net), IpAddr::V4(ip)) => {
                let mask = u32::MAX
                    .checked_shl(32 - u32::from(self.prefix))
                    .unwrap_or(0);
                u32::from(net) & mask == u32::from(ip) & mask
            }
            (IpAddr::V6(net), IpAddr::V6(ip)) => {
                let mask = u128::MAX
                    .checked_shl(128 - u32::from(self.prefix))
                    .unwrap_or(0);
                u128::from(net) & mask == u128::from(ip) & mask
            }
            _ => false,
        }
    }
}

/// IPv4-mapped IPv6 (`::ffff:1.2.3.4`, what a dual-stack socket reports) as plain IPv4.
fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map(IpAddr::V4).unwrap_or(ip),
        v4 => v4,
    }
}

/// The proxies whose `X-Forwarded-For` we believe. Empty (the default): nobody's.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrustedProxies(Vec<IpBlock>);

impl TrustedProxies {
    /// A comma-separated list of addresses and CIDR blocks.
    pub fn parse(text: &str) -> Result<Self, ParseError> {
        text.split(',')
            .map(str::trim)
            .filter(|part| !part.is_empty())
            .map(IpBlock::parse)
            .collect::<Result<Vec<_>, _>>()
            .map(TrustedProxies)
    }

    pub fn trusts(&self, ip: IpAddr) -> bool {
        self.0.iter().any(|block| block.contains(ip))
    }

    /// The client's address. A request from an untrusted peer is its own client, whatever
    /// headers it sends. From a trusted proxy, `X-Forwarded-For` is read right to left
    /// (each proxy appends the address it saw) and the first address not itself a
    /// trusted proxy is the client; an unreadable entry stops the walk at the last good one.
    pub fn client_ip<'a>(
        &self,
        peer: Option<IpAddr>,
        forwarded_for: impl IntoIterator<Item = &'a str>,
    ) -> Option<IpAddr> {
        let peer = canonical(peer?);
        if !self.trusts(peer) {
            return Some(peer);
        }
        let hops: Vec<&str> = forwarded_for
            .into_iter()
            .flat_map(|header| header.split(','))
            .map(str::trim)
            .collect();
        let mut client = peer;
        for hop in hops.iter().rev() {
            let Ok(ip) = hop.parse::<IpAddr>() else { break };
            client = canonical(ip);
            if !self.trusts(client) {
                break;
            }
        }
        Some(client)
    }
}

/// Whether a client address is this machine (development-only pages).
pub fn is_loopback(ip: Option<IpAddr>) -> bool {
    ip.is_some_and(|ip| canonical(ip).is_loopback())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    #[test]
    fn blocks_parse_and_match() {
        let block = IpBlock::parse("10.1.0.0/16").unwrap();
        assert!(block.contains(ip("10.1.200.3")));
        assert!(!block.contains(ip("10.2.0.1")));
        assert!(
            IpBlock::parse("127.0.0.1")
                .unwrap()
                .contains(ip("127.0.0.1"))
        );
        assert!(
            !IpBlock::parse("127.0.0.1")
                .unwrap()
                .contains(ip("127.0.0.2"))
        );
        assert!(IpBlock::parse("0.0.0.0/0").unwrap().contains(ip("8.8.8.8")));
        assert!(IpBlock::parse("fd00::/8").unwrap().contains(ip("fd12::1")));
        assert!(
            IpBlock::parse("127.0.0.1")
                .unwrap()
                .contains(ip("::ffff:127.0.0.1"))
        );
        for bad in [
            "",
            "10.0.0.0/33",
            "::1/129",
            "example.com",
            "10.0.0/8",
            "1.2.3.4/x",
        ] {
            assert!(IpBlock::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn forwarded_for_is_believed_only_from_trusted_proxies() {
        let none = TrustedProxies::default();
        let peer = Some(ip("203.0.113.7"));
        assert_eq!(
            none.client_ip(peer, ["127.0.0.1"]),
            peer,
            "spoofed header ignored"
        );
        let local = Some(ip("127.0.0.1"));
        assert_eq!(none.client_ip(local, ["198.51.100.1"]), local);

        let proxies = TrustedProxies::parse("127.0.0.1, 10.0.0.0/8").unwrap();
        // The client a trusted proxy saw; what the client claimed to the left is ignored.
        assert_eq!(
            proxies.client_ip(local, ["127.0.0.1, 198.51.100.1, 10.0.0.5"]),
            Some(ip("198.51.100.1"))
        );
        assert_eq!(
            proxies.client_ip(local, ["198.51.100.9", "10.0.0.5"]),
            Some(ip("198.51.100.9")),
            "several headers read as one list"
        );
        // No header, or only proxies: the last proxy in the chain.
        assert_eq!(proxies.client_ip(local, []), local);
        assert_eq!(
            proxies.client_ip(local, ["garbage"]),
            local,
            "an unreadable hop is not believed"
        );
        // An untrusted peer cannot claim to be loopback.
        assert_eq!(proxies.client_ip(peer, ["127.0.0.1"]), peer);
        assert_eq!(proxies.client_ip(None, ["127.0.0.1"]), None);
        assert!(TrustedProxies::parse("127.0.0.1, nonsense").is_err());
        assert_eq!(
            TrustedProxies::parse(" ").unwrap(),
            TrustedProxies::default()
        );
    }

    #[test]
    fn loopback_check() {
        assert!(is_loopback(Some(ip("127.0.0.1"))));
        assert!(is_loopback(Some(ip("::1"))));
        assert!(is_loopback(Some(ip("::ffff:127.0.0.1"))));
        assert!(!is_loopback(Some(ip("10.0.0.1"))));
        assert!(!is_loopback(Some(ip("192.168.1.10"))));
        assert!(!is_loopback(None));
    }
}
