export { LoopbackRouting } from './loopback-routing';
export { Ipv6RouterAdvertisements } from './ipv6-router-advertisements';
