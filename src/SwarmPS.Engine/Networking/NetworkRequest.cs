using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;

namespace SwarmPS.Engine.Networking
{
    /// <summary>
    /// What New-SwarmNetwork was asked for: an overlay network, as docker network create -d overlay [--attachable]
    /// [--opt encrypted] [--internal] [--subnet] [--gateway] [--label] makes it.
    /// </summary>
    public sealed record NetworkRequest
    {
        /// <summary>Networks Docker makes itself: never created, changed or removed by SwarmPS.</summary>
        public static readonly IReadOnlyList<string> Predefined = new[] { "ingress", "bridge", "host", "none", "docker_gwbridge" };

        /// <summary>The driver option that turns on IPsec between nodes (docker network create --opt encrypted).</summary>
        public const string EncryptedOption = "encrypted";

        public string Name { get; init; } = string.Empty;

        public bool Attachable { get; init; }

        public bool Encrypted { get; init; }

        public bool Internal { get; init; }

        /// <summary>The address range in CIDR form (10.0.9.0/24); swarm picks one when null.</summary>
        public string? Subnet { get; init; }

        /// <summary>The gateway's address, inside <see cref="Subnet"/>; swarm picks one when null.</summary>
        public string? Gateway { get; init; }

        public IReadOnlyDictionary<string, string> Labels { get; init; } = new Dictionary<string, string>(StringComparer.Ordinal);

        /// <summary>
        /// Checks every value before anything is asked of the cluster: NetworkNameInvalid, SubnetInvalid, GatewayInvalid.
        /// Returns the request with the subnet and gateway in their canonical form.
        /// </summary>
        public NetworkRequest Validate()
        {
            RequireName(Name);
            string? subnet = Subnet == null ? null : ParseSubnet(Subnet).ToString();
            string? gateway = null;
            if (Gateway != null)
            {
                if (Subnet == null)
                {
                    throw new SwarmException("GatewayInvalid", SwarmErrorKind.InvalidArgument,
                        $"-Gateway {Gateway} needs the -Subnet it belongs to (every gateway must have a subnet, as docker network create says). Give both, such as -Subnet 10.0.9.0/24 -Gateway 10.0.9.1.", Gateway);
                }

                gateway = RequireGateway(Gateway, ParseSubnet(Subnet)).ToString();
            }

            return this with { Subnet = subnet, Gateway = gateway };
        }

        /// <summary>A network name Docker takes (letters, digits, '_', '.', '-', starting with a letter or digit) and not one of Docker's own; NetworkNameInvalid otherwise.</summary>
        public static string RequireName(string? name)
        {
            RequireSyntax(name, "NetworkNameInvalid");
            if (Predefined.Contains(name, StringComparer.Ordinal))
            {
                throw new SwarmException("NetworkNameInvalid", SwarmErrorKind.InvalidArgument,
                    $"'{name}' is one of the networks Docker makes itself ({string.Join(", ", Predefined)}); choose another name, such as appnet.", name);
            }

            return name!;
        }

        /// <summary>A name Docker could have given a network (or a network's id); <paramref name="errorId"/> otherwise.</summary>
        public static string RequireSyntax(string? name, string errorId)
        {
            if (name == null || name.Length == 0 || name.Length > 128 || !ValidName.IsMatch(name))
            {
                throw new SwarmException(errorId, SwarmErrorKind.InvalidArgument,
                    $"'{name}' is not a valid network name: use up to 128 letters, digits, '_', '.' and '-', starting with a letter or digit, such as appnet or shop_backend.", name);
            }

            return name;
        }

        /// <summary>A subnet in CIDR form with no address bits set beyond its prefix; SubnetInvalid otherwise, with the form that would be right.</summary>
        public static IPNetwork ParseSubnet(string text)
        {
            string trimmed = text.Trim();
            int slash = trimmed.IndexOf('/');
            if (slash <= 0 || !IPAddress.TryParse(trimmed.Substring(0, slash), out IPAddress? address)
                || !int.TryParse(trimmed.Substring(slash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out int prefix)
                || prefix > (address.AddressFamily == AddressFamily.InterNetwork ? 32 : 128) || prefix < 1)
            {
                throw new SwarmException("SubnetInvalid", SwarmErrorKind.InvalidArgument,
                    $"-Subnet '{text}' is not an address range in CIDR form. Write ADDRESS/PREFIX, such as 10.0.9.0/24.", text);
            }

            byte[] bytes = address.GetAddressBytes();
            byte[] masked = bytes.Select((b, i) => (byte)(b & MaskByte(prefix, i))).ToArray();
            if (!bytes.SequenceEqual(masked))
            {
                string right = $"{new IPAddress(masked)}/{prefix}";
                throw new SwarmException("SubnetInvalid", SwarmErrorKind.InvalidArgument,
                    $"-Subnet '{text}' has address bits set beyond its /{prefix} prefix: the range starts at {right}. Write -Subnet {right}.", text);
            }

            return new IPNetwork(address, prefix);
        }

        private static IPAddress RequireGateway(string text, IPNetwork subnet)
        {
            if (!IPAddress.TryParse(text.Trim(), out IPAddress? gateway))
            {
                throw new SwarmException("GatewayInvalid", SwarmErrorKind.InvalidArgument,
                    $"-Gateway '{text}' is not an IP address. Write one inside the subnet, such as {FirstHost(subnet)}.", text);
            }

            if (!subnet.Contains(gateway) || gateway.Equals(subnet.BaseAddress))
            {
                throw new SwarmException("GatewayInvalid", SwarmErrorKind.InvalidArgument,
                    $"-Gateway {text} is not a host address inside -Subnet {subnet}. Give one inside it, such as {FirstHost(subnet)}, or leave -Gateway out and swarm picks one.", text);
            }

            return gateway;
        }

        private static string FirstHost(IPNetwork subnet)
        {
            byte[] bytes = subnet.BaseAddress.GetAddressBytes();
            bytes[^1] |= 1;
            return new IPAddress(bytes).ToString();
        }

        private static int MaskByte(int prefix, int index)
        {
            int bits = Math.Clamp(prefix - (index * 8), 0, 8);
            return (0xFF << (8 - bits)) & 0xFF;
        }

        private static readonly Regex ValidName = new Regex("^[a-zA-Z0-9][a-zA-Z0-9_.-]*$", RegexOptions.CultureInvariant);
    }
}
