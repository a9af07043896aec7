using System;
using System.Globalization;

namespace SwarmPS.Engine.Workloads
{
    /// <summary>A published port as docker run -p writes it: [published:]target[/tcp|udp|sctp]. Published 0 means any free port.</summary>
    public sealed class PortSpec
    {
        public PortSpec(uint published, uint target, string protocol)
        {
            Published = published;
            Target = target;
            Protocol = protocol;
        }

        public uint Published { get; }

        public uint Target { get; }

        public string Protocol { get; }

        public static PortSpec Parse(string text)
        {
            string trimmed = (text ?? string.Empty).Trim();
            string protocol = "tcp";
            int slash = trimmed.IndexOf('/');
            if (slash >= 0)
            {
                protocol = trimmed.Substring(slash + 1).ToLowerInvariant();
                trimmed = trimmed.Substring(0, slash);
                if (protocol != "tcp" && protocol != "udp" && protocol != "sctp")
                {
                    throw Invalid(text, $"the protocol '{protocol}' is not tcp, udp or sctp");
                }
            }

            string[] parts = trimmed.Split(':');
            if (parts.Length > 2)
            {
                throw Invalid(text, "a host address cannot be given: swarm publishes on the node's addresses");
            }

            uint target = PortNumber(parts[^1], text ?? string.Empty);
            uint published = parts.Length == 2 ? PortNumber(parts[0], text ?? string.Empty) : 0;
            return new PortSpec(published, target, protocol);
        }

        public override string ToString() => Published == 0 ? $"{Target}/{Protocol}" : $"{Published}:{Target}/{Protocol}";

        private static uint PortNumber(string text, string whole)
        {
            if (!uint.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out uint port) || port < 1 || port > 65535)
            {
                throw Invalid(whole, $"'{text}' is not a port number from 1 to 65535");
            }

            return port;
        }

        private static SwarmException Invalid(string? text, string why) => new SwarmException("PublishInvalid", SwarmErrorKind.InvalidArgument,
            $"-Publish '{text}' is not valid: {why}. Write published:target[/protocol], for example 8080:80/tcp, or just the container port (80) for any free host port.", text);
    }
}
