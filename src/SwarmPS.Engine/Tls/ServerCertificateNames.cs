using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace SwarmPS.Engine.Tls
{
    /// <summary>
    /// The names an engine's server certificate carries: the name the operator gave, the address SwarmPS dialled and
    /// the extra names asked for with -SubjectAlternativeName, and nothing else. Not the host's own view (hostname -I
    /// lists docker0 and every bridge, which no client dials), and not localhost/127.0.0.1: on the host itself the
    /// engine is reached through its unix socket, which has no TLS, so those names would only widen what the
    /// certificate vouches for.
    /// </summary>
    public static class ServerCertificateNames
    {
        /// <summary>DNS names and addresses for a host reached as <paramref name="givenName"/> at <paramref name="dialledAddress"/>.</summary>
        public static (IReadOnlyList<string> DnsNames, IReadOnlyList<IPAddress> Addresses) For(string givenName, string dialledAddress, IEnumerable<string> extra)
        {
            var dns = new List<string>();
            var addresses = new List<IPAddress>();
            foreach (string candidate in new[] { givenName, dialledAddress }.Concat(extra ?? Array.Empty<string>()))
            {
                string name = (candidate ?? string.Empty).Trim();
                if (name.Length > 2 && name[0] == '[' && name[^1] == ']')
                {
                    name = name.Substring(1, name.Length - 2);
                }

                if (name.Length == 0)
                {
                    continue;
                }

                if (IPAddress.TryParse(name, out IPAddress? address))
                {
                    address = address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
                    if (!addresses.Contains(address))
                    {
                        addresses.Add(address);
                    }
                }
                else if (!dns.Contains(name.TrimEnd('.'), StringComparer.OrdinalIgnoreCase))
                {
                    dns.Add(name.TrimEnd('.'));
                }
            }

            return (dns, addresses);
        }

        /// <summary>True when the certificate names exactly these (no more, no fewer), ignoring case and order.</summary>
        public static bool NamesExactly(string certificatePem, IReadOnlyList<string> dnsNames, IReadOnlyList<IPAddress> addresses)
        {
            try
            {
                using X509Certificate2 certificate = X509Certificate2.CreateFromPem(certificatePem);
                X509SubjectAlternativeNameExtension? names = certificate.Extensions.OfType<X509SubjectAlternativeNameExtension>().FirstOrDefault();
                if (names is null)
                {
                    return false;
                }

                var presentDns = names.EnumerateDnsNames().Select(n => n.ToLowerInvariant()).OrderBy(n => n, StringComparer.Ordinal).ToList();
                var presentIps = names.EnumerateIPAddresses().Select(a => a.ToString()).OrderBy(a => a, StringComparer.Ordinal).ToList();
                return presentDns.SequenceEqual(dnsNames.Select(n => n.ToLowerInvariant()).Distinct().OrderBy(n => n, StringComparer.Ordinal))
                    && presentIps.SequenceEqual(addresses.Select(a => a.ToString()).Distinct().OrderBy(a => a, StringComparer.Ordinal));
            }
            catch (CryptographicException)
            {
                return false;
            }
        }
    }
}
