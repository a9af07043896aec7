using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Docker.DotNet.Models;
using SwarmPS.Engine.Cluster;
using SwarmPS.Engine.Docker;
using SwarmPS.Engine.Workloads;

namespace SwarmPS.Engine.Networking
{
    /// <summary>
    /// The cluster's overlay networks (docker network create -d overlay, ls, rm on a manager), with the containers
    /// (services) attached to each, and the resolution of containers' -Network attachments to them. Every check is made
    /// on the manager's network list before anything is created or removed.
    /// </summary>
    public sealed class NetworkService
    {
        /// <summary>The networks the manager knows: the swarm's (overlay, ingress) and, with <paramref name="includeLocal"/>, its own local ones.</summary>
        public async Task<IReadOnlyList<SwarmNetwork>> ListAsync(ClusterContext context, bool includeLocal, CancellationToken cancellationToken)
        {
            IDockerEngine manager = context.RequireManager();
            IList<NetworkResponse> networks = await manager.ListNetworksAsync(cancellationToken).ConfigureAwait(false);
            IList<SwarmService> services = await manager.ListServicesAsync(null, cancellationToken).ConfigureAwait(false);
            return networks.Where(n => includeLocal || IsSwarmScoped(n))
                .OrderBy(n => n.Name, StringComparer.Ordinal)
                .Select(n => ToNetwork(n, UsersOf(n, services), context.Name, changed: false))
                .ToList();
        }

        /// <summary>
        /// Creates an overlay network. One of that name with the same options is left as it is (Changed False); with other
        /// options it is NetworkExists (networks cannot be changed); a local network of that name is NetworkNotOverlay.
        /// </summary>
        public async Task<SwarmNetwork> CreateAsync(ClusterContext context, NetworkRequest request, IOperationReporter reporter, CancellationToken cancellationToken)
        {
            request = request.Validate();
            IDockerEngine manager = context.RequireManager();
            IList<NetworkResponse> networks = await manager.ListNetworksAsync(cancellationToken).ConfigureAwait(false);
            NetworksCreateParameters? create = Plan(request, networks.ToList(), context.Name, out NetworkResponse? existing);
            if (create == null)
            {
                reporter.Verbose($"Network '{request.Name}' already exists as an overlay network with these options; nothing to create.");
                IList<SwarmService> services = await manager.ListServicesAsync(null, cancellationToken).ConfigureAwait(false);
                return ToNetwork(existing!, UsersOf(existing!, services), context.Name, changed: false);
            }

            reporter.Progress($"Creating network '{request.Name}'", 50);
            reporter.Verbose($"Creating overlay network '{request.Name}' in cluster '{context.Name}' ({Options(request)}).");
            string id = await manager.CreateNetworkAsync(create, cancellationToken).ConfigureAwait(false);
            NetworkResponse created = (await manager.ListNetworksAsync(cancellationToken).ConfigureAwait(false)).FirstOrDefault(n => n.ID == id)
                ?? new NetworkResponse { ID = id, Name = create.Name, Driver = create.Driver, Scope = "swarm", Attachable = create.Attachable, Internal = create.Internal, Options = create.Options, Labels = create.Labels, IPAM = create.IPAM };
            return ToNetwork(created, Array.Empty<string>(), context.Name, changed: true);
        }

        /// <summary>
        /// What creating the network takes: the parameters for a new one, or null with <paramref name="existing"/> when an
        /// overlay network of that name and those options is there already. NetworkNotOverlay, NetworkExists otherwise.
        /// </summary>
        public static NetworksCreateParameters? Plan(NetworkRequest request, IReadOnlyList<NetworkResponse> networks, string cluster, out NetworkResponse? existing)
        {
            existing = networks.FirstOrDefault(n => n.Name == request.Name);
            if (existing == null)
            {
                var options = new Dictionary<string, string>(StringComparer.Ordinal);
                if (request.Encrypted)
                {
                    // As docker network create --opt encrypted sends it: the key alone turns IPsec on.
                    options[NetworkRequest.EncryptedOption] = string.Empty;
                }

                return new NetworksCreateParameters
                {
                    Name = request.Name,
                    Driver = "overlay",
                    Scope = "swarm",
                    Attachable = request.Attachable,
                    Internal = request.Internal,
                    Options = options,
                    Labels = new Dictionary<string, string>(request.Labels, StringComparer.Ordinal),
                    IPAM = request.Subnet == null ? null : new IPAM
                    {
                        Driver = "default",
                        Config = new List<IPAMConfig> { new IPAMConfig { Subnet = request.Subnet, Gateway = request.Gateway } },
                    },
                };
            }

            if (!IsOverlay(existing))
            {
                throw NotOverlay(existing, cluster, $"create the overlay network under another name (New-SwarmNetwork -Name {request.Name}_overlay), or remove the {existing.Driver} network on its host (docker network rm {request.Name}) if nothing uses it");
            }

            var differences = new List<string>();
            Compare(differences, "attachable", existing.Attachable, request.Attachable);
            Compare(differences, "internal", existing.Internal, request.Internal);
            Compare(differences, "encrypted", IsEncrypted(existing), request.Encrypted);
            if (request.Subnet != null && !SubnetsOf(existing).Contains(request.Subnet, StringComparer.OrdinalIgnoreCase))
            {
                differences.Add($"subnet {Show(SubnetsOf(existing))} (not {request.Subnet})");
            }

            if (request.Gateway != null && !GatewaysOf(existing).Contains(request.Gateway, StringComparer.OrdinalIgnoreCase))
            {
                differences.Add($"gateway {Show(GatewaysOf(existing))} (not {request.Gateway})");
            }

            IDictionary<string, string> labels = existing.Labels ?? new Dictionary<string, string>();
            if (request.Labels.Count > 0 && (labels.Count != request.Labels.Count || request.Labels.Any(l => !labels.TryGetValue(l.Key, out string? v) || v != l.Value)))
            {
                differences.Add($"labels {Show(labels.OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => $"{l.Key}={l.Value}"))}");
            }

            if (differences.Count > 0)
            {
                throw new SwarmException("NetworkExists", SwarmErrorKind.ResourceExists,
                    $"Cluster '{cluster}' already has an overlay network named '{request.Name}' with other options: it has {string.Join(", ", differences)}. A network's options cannot be changed: create one under another name, or remove this one (Remove-SwarmNetwork {request.Name}, once no container uses it) and create it again.",
                    request.Name);
            }

            return null;
        }

        /// <summary>
        /// Removes a swarm network by name. It is looked at again first: Docker's own networks are NetworkPredefined, a
        /// local one is NetworkNotOverlay, one a container uses is NetworkInUse naming them. Returns false when it was gone already.
        /// </summary>
        public async Task<bool> RemoveAsync(ClusterContext context, string name, IOperationReporter reporter, CancellationToken cancellationToken)
        {
            IDockerEngine manager = context.RequireManager();
            NetworkResponse? network = (await manager.ListNetworksAsync(cancellationToken).ConfigureAwait(false)).FirstOrDefault(n => n.Name == name);
            if (network == null)
            {
                reporter.Verbose($"The network '{name}' was already gone; nothing to remove.");
                return false;
            }

            RequireRemovable(network, context.Name);
            IReadOnlyList<string> users = UsersOf(network, await manager.ListServicesAsync(null, cancellationToken).ConfigureAwait(false));
            if (users.Count > 0)
            {
                throw InUse(name, users);
            }

            reporter.Progress($"Removing network '{name}'", 60);
            bool removed;
            try
            {
                removed = await manager.RemoveNetworkAsync(network.ID, cancellationToken).ConfigureAwait(false);
            }
            catch (SwarmException refused) when (refused.Message.Contains("in use", StringComparison.OrdinalIgnoreCase) || refused.Message.Contains("active endpoints", StringComparison.OrdinalIgnoreCase))
            {
                // Standalone containers (docker run --network on an attachable network) are not services: only the engine sees them.
                throw new SwarmException("NetworkInUse", SwarmErrorKind.InvalidOperation,
                    $"The network '{name}' still has containers attached that are not swarm containers (started with docker run --network {name} on a node). Stop them or disconnect them (docker network disconnect {name} CONTAINER on their node), then remove it.",
                    name, refused);
            }

            reporter.Verbose(removed ? $"Removed network '{name}'." : $"The network '{name}' was already gone; nothing to remove.");
            return removed;
        }

        /// <summary>NetworkPredefined for the networks Docker makes (ingress, bridge ...); NetworkNotOverlay for a manager's local network.</summary>
        public static void RequireRemovable(NetworkResponse network, string cluster) => RequireRemovable(ToNetwork(network, Array.Empty<string>(), cluster, changed: false));

        /// <summary>NetworkPredefined for the networks Docker makes (ingress, bridge ...); NetworkNotOverlay for a manager's local network.</summary>
        public static void RequireRemovable(SwarmNetwork network)
        {
            if (network.Ingress || NetworkRequest.Predefined.Contains(network.Name, StringComparer.Ordinal))
            {
                throw new SwarmException("NetworkPredefined", SwarmErrorKind.InvalidOperation,
                    $"'{network.Name}' is one of the networks Docker makes itself{(network.Ingress ? " (the routing mesh's ingress network)" : string.Empty)}; SwarmPS never removes it.", network.Name);
            }

            if (!string.Equals(network.Scope, "swarm", StringComparison.OrdinalIgnoreCase))
            {
                throw NotOverlay(new NetworkResponse { Name = network.Name, Driver = network.Driver, Scope = network.Scope }, network.Cluster,
                    $"remove it on its host with docker network rm {network.Name}: Remove-SwarmNetwork removes the cluster's overlay networks only");
            }
        }

        /// <summary>NetworkInUse, naming the containers attached and how to free it.</summary>
        public static SwarmException InUse(string name, IReadOnlyList<string> users) => new SwarmException("NetworkInUse", SwarmErrorKind.InvalidOperation,
            $"The network '{name}' is in use by container(s) {string.Join(", ", users)}. Detach them first (Set-SwarmContainer {users[0]} -Network with the other networks, or Remove-SwarmContainer {users[0]}), then remove it.",
            name);

        /// <summary>
        /// The settings with every network attachment's id filled in from the cluster; NetworkNotFound or
        /// NetworkNotOverlay, before anything changes, for a network a swarm container cannot join.
        /// </summary>
        public static async Task<ContainerSettings> ResolveAsync(IDockerEngine manager, string container, ContainerSettings settings, CancellationToken cancellationToken)
        {
            if (settings.Networks == null || settings.Networks.Count == 0)
            {
                return settings;
            }

            IList<NetworkResponse> networks = await manager.ListNetworksAsync(cancellationToken).ConfigureAwait(false);
            return settings with { Networks = Resolve(container, settings.Networks, networks.ToList()) };
        }

        public static IReadOnlyList<NetworkReference> Resolve(string container, IReadOnlyList<NetworkReference> attachments, IReadOnlyList<NetworkResponse> networks)
        {
            var resolved = new List<NetworkReference>();
            foreach (NetworkReference attachment in attachments)
            {
                NetworkResponse? network = networks.FirstOrDefault(n => n.Name == attachment.Network) ?? networks.FirstOrDefault(n => n.ID == attachment.Network);
                if (network == null)
                {
                    List<string> overlays = networks.Where(n => IsSwarmScoped(n) && !n.Ingress).Select(n => n.Name ?? string.Empty).OrderBy(n => n, StringComparer.Ordinal).ToList();
                    string known = overlays.Count == 0 ? "it has no overlay networks" : $"it has {string.Join(", ", overlays.Take(10))}";
                    throw new SwarmException("NetworkNotFound", SwarmErrorKind.ObjectNotFound,
                        $"The cluster has no network named '{attachment.Network}' for '{container}' ({known}). Create it first with New-SwarmNetwork -Name {attachment.Network}.",
                        attachment.Network);
                }

                if (network.Ingress)
                {
                    throw new SwarmException("NetworkNotOverlay", SwarmErrorKind.InvalidArgument,
                        $"'{network.Name}' is the routing mesh's ingress network, which a container cannot join directly: publish a port with -PublishMode Ingress instead, or join an overlay network of your own (New-SwarmNetwork).",
                        network.Name);
                }

                if (!IsSwarmScoped(network))
                {
                    throw NotOverlay(network, string.Empty, $"join an overlay network instead (New-SwarmNetwork -Name {network.Name}_overlay, then -Network {network.Name}_overlay)");
                }

                resolved.Add(attachment with { Id = network.ID ?? string.Empty, Network = network.Name ?? attachment.Network });
            }

            return resolved;
        }

        /// <summary>The names of the services attached to the network (by id, or by name as a spec not yet resolved may hold it).</summary>
        public static IReadOnlyList<string> UsersOf(NetworkResponse network, IEnumerable<SwarmService> services) => services
            .Where(s => AttachmentsOf(s.Spec).Any(a => a.Target == network.ID || (!string.IsNullOrEmpty(network.Name) && a.Target == network.Name)))
            .Select(s => s.Spec?.Name ?? s.ID ?? string.Empty)
            .Distinct(StringComparer.Ordinal)
            .OrderBy(n => n, StringComparer.Ordinal)
            .ToList();

        /// <summary>A service's attachments, as its task template holds them (dockerd moves the older spec-level list there).</summary>
        public static IEnumerable<NetworkAttachmentConfig> AttachmentsOf(ServiceSpec? spec) =>
            spec?.TaskTemplate?.Networks ?? (IEnumerable<NetworkAttachmentConfig>)Array.Empty<NetworkAttachmentConfig>();

        /// <summary>The changes with network ids in the Networks field replaced by the networks' names.</summary>
        public static IReadOnlyList<FieldChange> WithNames(IReadOnlyList<FieldChange> changes, IReadOnlyList<NetworkResponse> networks)
        {
            string Named(string text) => networks.Where(n => !string.IsNullOrEmpty(n.ID) && !string.IsNullOrEmpty(n.Name))
                .Aggregate(text, (current, n) => current.Replace(n.ID, n.Name, StringComparison.Ordinal));
            return changes.Select(c => c.Field == "Networks" ? new FieldChange(c.Field, Named(c.Before), Named(c.After)) : c).ToList();
        }

        public static SwarmNetwork ToNetwork(NetworkResponse n, IReadOnlyList<string> users, string cluster, bool changed) => new SwarmNetwork(new SwarmNetworkData
        {
            Name = n.Name ?? string.Empty,
            Id = n.ID ?? string.Empty,
            Driver = n.Driver ?? string.Empty,
            Scope = n.Scope ?? string.Empty,
            Attachable = n.Attachable,
            Encrypted = IsEncrypted(n),
            Internal = n.Internal,
            Ingress = n.Ingress,
            Subnets = SubnetsOf(n),
            Gateways = GatewaysOf(n),
            Labels = new Dictionary<string, string>(n.Labels ?? new Dictionary<string, string>(), StringComparer.Ordinal),
            UsedBy = users,
            Created = n.Created == default ? null : n.Created,
            Cluster = cluster,
            Changed = changed,
        });

        public static bool IsSwarmScoped(NetworkResponse network) => string.Equals(network.Scope, "swarm", StringComparison.OrdinalIgnoreCase);

        public static bool IsOverlay(NetworkResponse network) => IsSwarmScoped(network) && string.Equals(network.Driver, "overlay", StringComparison.OrdinalIgnoreCase) && !network.Ingress;

        private static bool IsEncrypted(NetworkResponse network) => network.Options?.ContainsKey(NetworkRequest.EncryptedOption) == true;

        private static IReadOnlyList<string> SubnetsOf(NetworkResponse network) =>
            (network.IPAM?.Config ?? new List<IPAMConfig>()).Select(c => c.Subnet).Where(s => !string.IsNullOrEmpty(s)).ToList()!;

        private static IReadOnlyList<string> GatewaysOf(NetworkResponse network) =>
            (network.IPAM?.Config ?? new List<IPAMConfig>()).Select(c => c.Gateway).Where(s => !string.IsNullOrEmpty(s)).ToList()!;

        private static SwarmException NotOverlay(NetworkResponse network, string cluster, string remedy)
        {
            string where = IsSwarmScoped(network) ? "a swarm network" : $"a network local to one host{(cluster.Length > 0 ? $" of cluster '{cluster}'" : string.Empty)}";
            return new SwarmException("NetworkNotOverlay", SwarmErrorKind.InvalidArgument,
                $"The network '{network.Name}' is a {(string.IsNullOrEmpty(network.Driver) ? "non-overlay" : network.Driver)} network ({where}), not an overlay network; swarm containers join overlay networks only. To go on, {remedy}.",
                network.Name);
        }

        private static void Compare(List<string> differences, string option, bool has, bool wanted)
        {
            if (has != wanted)
            {
                differences.Add(has ? option : $"not {option}");
            }
        }

        private static string Show(IEnumerable<string> values)
        {
            string text = string.Join(", ", values);
            return text.Length == 0 ? "(none)" : text;
        }

        private static string Options(NetworkRequest request)
        {
            var options = new List<string> { "overlay" };
            if (request.Attachable) options.Add("attachable");
            if (request.Encrypted) options.Add("encrypted");
            if (request.Internal) options.Add("internal");
            if (request.Subnet != null) options.Add("subnet " + request.Subnet);
            if (request.Gateway != null) options.Add("gateway " + request.Gateway);
            return string.Join(", ", options);
        }
    }
}
