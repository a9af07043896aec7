using System;
using System.Collections.Generic;
using System.Globalization;

namespace SwarmPS.Engine.Stacks
{
    /// <summary>
    /// A published port from a Compose file, short (<c>[HOST_IP:][PUBLISHED:]TARGET[/PROTOCOL]</c>, also with ranges
    /// such as <c>8080-8081:80-81</c>) or long (<c>target</c>, <c>published</c>, <c>protocol</c>, <c>mode</c>).
    /// The short form publishes through the ingress, as docker stack deploy does.
    /// </summary>
    public sealed record ComposePort(uint Target, uint Published, string Protocol, string Mode, string HostIp)
    {
        public static IReadOnlyList<ComposePort> Parse(ComposeNode node)
        {
            if (node is ComposeMapping map)
            {
                uint target = Number(map["target"] ?? throw ComposeReader.Invalid(map.Mark, "a port in long form needs target:"), "target");
                ComposeNode? publishedNode = map["published"];
                uint published = publishedNode is ComposeScalar { Value: not null } ? Number(publishedNode, "published") : 0;
                string protocol = (map["protocol"]?.ToString() ?? "tcp").ToLowerInvariant();
                string mode = (map["mode"]?.ToString() ?? "ingress").ToLowerInvariant();
                if (protocol is not ("tcp" or "udp" or "sctp"))
                {
                    throw ComposeReader.Invalid(map["protocol"]!.Mark, $"protocol '{protocol}' is not tcp, udp or sctp");
                }

                if (mode is not ("ingress" or "host"))
                {
                    throw ComposeReader.Invalid(map["mode"]!.Mark, $"mode '{mode}' is not ingress or host");
                }

                return new[] { new ComposePort(target, published, protocol, mode, map["host_ip"]?.ToString() ?? string.Empty) };
            }

            string text = node.ToString() ?? string.Empty;
            string body = text;
            string proto = "tcp";
            int slash = text.LastIndexOf('/');
            if (slash >= 0)
            {
                proto = text.Substring(slash + 1).ToLowerInvariant();
                body = text.Substring(0, slash);
                if (proto is not ("tcp" or "udp" or "sctp"))
                {
                    throw ComposeReader.Invalid(node.Mark, $"port '{text}': protocol '{proto}' is not tcp, udp or sctp");
                }
            }

            string hostIp = string.Empty;
            int lastColon = body.LastIndexOf(':');
            string targetText = lastColon < 0 ? body : body.Substring(lastColon + 1);
            string publishedText = string.Empty;
            if (lastColon >= 0)
            {
                string front = body.Substring(0, lastColon);
                int colon = front.LastIndexOf(':');
                publishedText = colon < 0 ? front : front.Substring(colon + 1);
                hostIp = colon < 0 ? string.Empty : front.Substring(0, colon).Trim('[', ']');
            }

            (uint low, uint high) targets = Range(targetText, text, node);
            (uint low, uint high) publishedRange = publishedText.Length == 0 ? (0, 0) : Range(publishedText, text, node);
            uint count = targets.high - targets.low + 1;
            if (publishedText.Length > 0 && publishedRange.high - publishedRange.low + 1 != count)
            {
                throw ComposeReader.Invalid(node.Mark, $"port '{text}': the published range and the target range differ in length");
            }

            var ports = new List<ComposePort>();
            for (uint offset = 0; offset < count; offset++)
            {
                ports.Add(new ComposePort(targets.low + offset, publishedText.Length == 0 ? 0 : publishedRange.low + offset, proto, "ingress", hostIp));
            }

            return ports;
        }

        private static (uint, uint) Range(string part, string whole, ComposeNode node)
        {
            int dash = part.IndexOf('-');
            uint low = Port(dash < 0 ? part : part.Substring(0, dash), whole, node);
            uint high = dash < 0 ? low : Port(part.Substring(dash + 1), whole, node);
            if (high < low)
            {
                throw ComposeReader.Invalid(node.Mark, $"port '{whole}': the range {part} runs backwards");
            }

            return (low, high);
        }

        private static uint Port(string text, string whole, ComposeNode node)
        {
            if (!uint.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out uint port) || port < 1 || port > 65535)
            {
                throw ComposeReader.Invalid(node.Mark, $"port '{whole}': '{text}' is not a port number from 1 to 65535. Write [PUBLISHED:]TARGET[/PROTOCOL], for example 8080:80");
            }

            return port;
        }

        private static uint Number(ComposeNode node, string what) => Port(node.ToString() ?? string.Empty, what + ": " + node, node);
    }
}
