using System;
using System.Collections.Generic;
using System.Linq;
using Docker.DotNet.Models;
using SwarmPS.Engine.Workloads;

namespace SwarmPS.Engine.Networking
{
    /// <summary>
    /// A service spec's networks and endpoint (published ports, their publish mode, vip or dnsrr), as
    /// <see cref="ServiceSpecEditor"/> applies and describes them.
    /// </summary>
    public static class EndpointSettings
    {
        public const string Vip = "vip";
        public const string Dnsrr = "dnsrr";
        public const string Host = "host";
        public const string Ingress = "ingress";

        /// <summary>Applies the networks, ports, publish mode and endpoint mode of <paramref name="settings"/> to <paramref name="spec"/>; EndpointModeConflict for dnsrr with ingress ports.</summary>
        public static void Apply(ServiceSpec spec, ContainerSettings settings)
        {
            if (settings.Networks != null)
            {
                spec.TaskTemplate ??= new TaskSpec();
                spec.TaskTemplate.Networks = settings.Networks.Count > 0 ? settings.Networks.Select(n => n.ToConfig()).ToList() : null;
            }

            if (settings.Publish != null || settings.PublishMode != null || settings.EndpointMode != null)
            {
                EndpointSpec endpoint = spec.EndpointSpec ?? new EndpointSpec();
                if (settings.Publish != null)
                {
                    // Host mode unless asked: the port is on the address of the node the container landed on, as docker ps shows it.
                    endpoint.Ports = settings.Publish.Count == 0 ? null : settings.Publish
                        .Select(p => new PortConfig { Protocol = p.Protocol, TargetPort = p.Target, PublishedPort = p.Published == 0 ? null : p.Published, PublishMode = settings.PublishMode ?? Host })
                        .ToList();
                }
                else if (settings.PublishMode != null)
                {
                    foreach (PortConfig port in endpoint.Ports ?? new List<PortConfig>())
                    {
                        port.PublishMode = settings.PublishMode;
                    }
                }

                endpoint.Mode = settings.EndpointMode ?? endpoint.Mode;
                spec.EndpointSpec = (endpoint.Ports == null || endpoint.Ports.Count == 0) && string.IsNullOrEmpty(endpoint.Mode) ? null : endpoint;
            }

            RequireConsistent(spec);
        }

        /// <summary>
        /// EndpointModeConflict when dnsrr goes with ports published through the routing mesh, which dockerd refuses
        /// ("port published with ingress mode can't be used with dnsrr mode").
        /// </summary>
        public static void RequireConsistent(ServiceSpec spec)
        {
            if (ModeOf(spec.EndpointSpec) != Dnsrr)
            {
                return;
            }

            List<PortConfig> ingress = (spec.EndpointSpec?.Ports ?? new List<PortConfig>()).Where(p => PublishModeOf(p) == Ingress).ToList();
            if (ingress.Count > 0)
            {
                throw new SwarmException("EndpointModeConflict", SwarmErrorKind.InvalidArgument,
                    $"'{spec.Name}' would resolve by DNS round robin (-EndpointMode Dnsrr) and publish {string.Join(", ", ingress.Select(Describe))} through the routing mesh (-PublishMode Ingress); swarm cannot do both, as the mesh needs a virtual IP. Publish in host mode (-PublishMode Host), or keep -EndpointMode Vip.",
                    spec.Name);
            }
        }

        /// <summary>vip unless the spec says dnsrr (swarm's default when none is given).</summary>
        public static string ModeOf(EndpointSpec? endpoint) => string.IsNullOrEmpty(endpoint?.Mode) ? Vip : endpoint.Mode.ToLowerInvariant();

        /// <summary>A port's mode: ingress unless it says host (swarm's default when none is given).</summary>
        public static string PublishModeOf(PortConfig port) => string.IsNullOrEmpty(port.PublishMode) ? Ingress : port.PublishMode.ToLowerInvariant();

        /// <summary>The published ports as -Publish writes them, an ingress one marked as such: 8080:80/tcp, 8081:81/tcp (ingress).</summary>
        public static string DescribePorts(EndpointSpec? endpoint) => string.Join(", ", (endpoint?.Ports ?? new List<PortConfig>()).Select(Describe));

        /// <summary>The networks joined, by target (the network's id as swarm keeps it), with aliases and driver options, sorted.</summary>
        public static string DescribeNetworks(ServiceSpec spec) => string.Join(", ", NetworkService.AttachmentsOf(spec)
            .Select(n => NetworkReference.Describe(n.Target ?? string.Empty, n.Aliases, n.DriverOpts))
            .OrderBy(n => n, StringComparer.Ordinal));

        private static string Describe(PortConfig port)
        {
            string text = new PortSpec(port.PublishedPort ?? 0, port.TargetPort ?? 0, port.Protocol ?? "tcp").ToString();
            return PublishModeOf(port) == Ingress ? text + " (ingress)" : text;
        }
    }
}
