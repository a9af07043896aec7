using System;
using System.Collections.Generic;
using System.Linq;
using Docker.DotNet.Models;

namespace SwarmPS.Engine.Networking
{
    /// <summary>
    /// A container's reference to a swarm network it joins, in the Docker CLI's --network syntax (docker/cli opts/network.go):
    /// <c>appnet</c>, or <c>name=appnet,alias=db,alias=primary,driver-opt=com.docker.network.driver.mtu=1400</c>.
    /// <see cref="Id"/> is filled in once the network is found in the cluster.
    /// </summary>
    public sealed record NetworkReference
    {
        private const string Example = "-Network appnet or -Network name=appnet,alias=db,alias=primary";

        /// <summary>The network's name (or id) as given.</summary>
        public string Network { get; init; } = string.Empty;

        /// <summary>Further names the container answers to on this network, besides its own.</summary>
        public IReadOnlyList<string> Aliases { get; init; } = Array.Empty<string>();

        public IReadOnlyDictionary<string, string> DriverOptions { get; init; } = new Dictionary<string, string>(StringComparer.Ordinal);

        /// <summary>The network's id in the cluster; empty until resolved.</summary>
        public string Id { get; init; } = string.Empty;

        /// <summary>name[ alias=a,b], as plans show it.</summary>
        public override string ToString() => Describe(Network, Aliases, DriverOptions);

        /// <summary>The attachment in a service spec: the network by id (as swarm keeps it), its aliases and driver options.</summary>
        public NetworkAttachmentConfig ToConfig() => new NetworkAttachmentConfig
        {
            Target = Id.Length > 0 ? Id : Network,
            Aliases = Aliases.Count > 0 ? Aliases.ToList() : null,
            DriverOpts = DriverOptions.Count > 0 ? new Dictionary<string, string>(DriverOptions, StringComparer.Ordinal) : null,
        };

        /// <summary>One attachment as text: the network, then its aliases and driver options in a fixed order.</summary>
        public static string Describe(string network, IEnumerable<string>? aliases, IEnumerable<KeyValuePair<string, string>>? options)
        {
            var parts = new List<string>();
            List<string> names = (aliases ?? Array.Empty<string>()).ToList();
            if (names.Count > 0)
            {
                parts.Add("alias=" + string.Join("+", names));
            }

            parts.AddRange((options ?? Array.Empty<KeyValuePair<string, string>>()).OrderBy(o => o.Key, StringComparer.Ordinal).Select(o => $"driver-opt={o.Key}={o.Value}"));
            return parts.Count == 0 ? network : $"{network} ({string.Join(",", parts)})";
        }

        /// <summary>Parses one attachment as docker service create --network does; NetworkInvalid otherwise.</summary>
        public static NetworkReference Parse(string text)
        {
            if (string.IsNullOrWhiteSpace(text))
            {
                throw Invalid("A network attachment must not be empty.", "-Network");
            }

            string trimmed = text.Trim();
            if (!trimmed.Contains('='))
            {
                return new NetworkReference { Network = NetworkRequest.RequireSyntax(trimmed, "NetworkInvalid") };
            }

            string network = string.Empty;
            var aliases = new List<string>();
            var options = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (string field in trimmed.Split(','))
            {
                int equals = field.IndexOf('=');
                string key = equals <= 0 ? string.Empty : field.Substring(0, equals).Trim().ToLowerInvariant();
                string value = equals <= 0 ? string.Empty : field.Substring(equals + 1).Trim();
                switch (key)
                {
                    case "name":
                        network = value;
                        break;
                    case "alias":
                        if (value.Length == 0)
                        {
                            throw Invalid($"An alias in '{text}' is empty.", text);
                        }

                        aliases.Add(value);
                        break;
                    case "driver-opt":
                        int inner = value.IndexOf('=');
                        if (inner <= 0)
                        {
                            throw Invalid($"The driver option '{value}' in '{text}' is not KEY=VALUE (such as driver-opt=com.docker.network.driver.mtu=1400).", text);
                        }

                        options[value.Substring(0, inner).Trim()] = value.Substring(inner + 1).Trim();
                        break;
                    case "ip":
                    case "ip6":
                    case "mac-address":
                    case "link-local-ip":
                    case "gw-priority":
                        throw Invalid($"'{key}' cannot be set for a swarm container's network: swarm assigns each replica its own address. Leave it out; the container is reached by its name or an alias.", key);
                    default:
                        throw Invalid(key.Length == 0
                            ? $"'{field}' in '{text}' is not KEY=VALUE."
                            : $"'{key}' is not a field of a network attachment: the fields are name, alias and driver-opt.", key.Length == 0 ? text : key);
                }
            }

            if (network.Length == 0)
            {
                throw Invalid($"'{text}' does not say which network: give name=NETWORK.", text);
            }

            return new NetworkReference { Network = NetworkRequest.RequireSyntax(network, "NetworkInvalid"), Aliases = aliases, DriverOptions = options };
        }

        /// <summary>Parses every attachment and refuses one network given twice (swarm would refuse the spec).</summary>
        public static IReadOnlyList<NetworkReference> ParseAll(IEnumerable<string> texts)
        {
            List<NetworkReference> attachments = texts.Select(Parse).ToList();
            string? twice = attachments.GroupBy(a => a.Network, StringComparer.Ordinal).Where(g => g.Count() > 1).Select(g => g.Key).FirstOrDefault();
            if (twice != null)
            {
                throw Invalid($"The network '{twice}' is given twice; a container joins a network once. Put all its aliases in one attachment: name={twice},alias=a,alias=b.", twice);
            }

            return attachments;
        }

        private static SwarmException Invalid(string why, string target) =>
            new SwarmException("NetworkInvalid", SwarmErrorKind.InvalidArgument, $"{why} Write {Example}.", target);
    }
}
