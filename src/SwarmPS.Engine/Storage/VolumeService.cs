using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Docker.DotNet.Models;
using SwarmPS.Engine.Cluster;
using SwarmPS.Engine.Docker;

namespace SwarmPS.Engine.Storage
{
    /// <summary>
    /// The volumes on the cluster's nodes. A local volume lives on one node, so each node's engine is asked for its
    /// own (docker volume ls there), with its containers to tell which of them hold each volume.
    /// </summary>
    public sealed class VolumeService
    {
        private const string ServiceNameLabel = "com.docker.swarm.service.name";

        /// <summary>The members to ask: all of them, or those whose node hostname (or saved name) <paramref name="selects"/> takes.</summary>
        public static IReadOnlyList<ClusterMember> MembersOn(ClusterContext context, Func<string, bool>? selects) =>
            context.Members.Where(m => selects == null || selects(HostnameOf(context, m)) || selects(m.Name)).ToList();

        /// <summary>The node's hostname as swarm knows it; the member's saved name when swarm does not list it.</summary>
        public static string HostnameOf(ClusterContext context, ClusterMember member) =>
            context.Nodes.FirstOrDefault(n => n.ID == member.NodeId)?.Description?.Hostname ?? member.Name;

        /// <summary>One member's volumes, with the containers (running or not) that mount each.</summary>
        public async Task<IReadOnlyList<SwarmVolume>> ListOnMemberAsync(ClusterContext context, ClusterMember member, IOperationReporter reporter, CancellationToken cancellationToken)
        {
            IDockerEngine engine = await context.Engines.OpenAsync(EngineOpener.EndpointOf(member), reporter, cancellationToken).ConfigureAwait(false);
            reporter.Progress("Listing volumes", 30);
            Task<IList<VolumeResponse>> volumes = engine.ListVolumesAsync(cancellationToken);
            Task<IList<ContainerListResponse>> containers = engine.ListContainersAsync(true, cancellationToken);
            await Task.WhenAll(volumes, containers).ConfigureAwait(false);
            string node = HostnameOf(context, member);
            IReadOnlyList<SwarmVolume> found = Map(await volumes.ConfigureAwait(false), await containers.ConfigureAwait(false), node, member.Address, context.Name);
            reporter.Verbose($"{node} has {found.Count} volume(s).");
            return found;
        }

        /// <summary>Volumes with their users: pure, so unit-tested.</summary>
        public static IReadOnlyList<SwarmVolume> Map(IEnumerable<VolumeResponse> volumes, IEnumerable<ContainerListResponse> containers, string node, string address, string cluster)
        {
            var holders = containers.ToList();
            return volumes.Select(v =>
            {
                List<ContainerListResponse> users = holders.Where(c => (c.Mounts ?? new List<MountPoint>()).Any(m => m.Type == "volume" && m.Name == v.Name)).ToList();
                return new SwarmVolume(
                    v.Name ?? string.Empty, node, address, v.Driver ?? string.Empty, v.Scope ?? string.Empty, v.Mountpoint ?? string.Empty, CreatedOf(v.CreatedAt),
                    new Dictionary<string, string>(v.Labels ?? new Dictionary<string, string>(), StringComparer.Ordinal),
                    users.Select(UserName).Distinct(StringComparer.Ordinal).OrderBy(n => n, StringComparer.Ordinal),
                    users.Where(c => c.State == "running").Select(UserName).Distinct(StringComparer.Ordinal).OrderBy(n => n, StringComparer.Ordinal),
                    cluster);
            }).OrderBy(v => v.Name, StringComparer.Ordinal).ToList();
        }

        /// <summary>
        /// Removes a volume from its node. It is looked at again first: a volume a container holds is VolumeInUse,
        /// naming them; with <paramref name="force"/> the stopped containers that still hold it (a swarm task's old
        /// containers, say) are removed with it, but a running one is never stopped for it. Returns false when the
        /// volume was gone already.
        /// </summary>
        public async Task<bool> RemoveAsync(ClusterContext context, SwarmVolume volume, bool force, IOperationReporter reporter, CancellationToken cancellationToken)
        {
            ClusterMember member = context.Members.FirstOrDefault(m => m.Address == volume.Address)
                ?? context.Members.FirstOrDefault(m => string.Equals(HostnameOf(context, m), volume.Node, StringComparison.OrdinalIgnoreCase))
                ?? throw new SwarmException("NodeNotFound", SwarmErrorKind.ObjectNotFound,
                    $"{volume.Node} is not a member of cluster '{context.Name}' any more, so its volume '{volume.Name}' cannot be reached. Get-SwarmVolume lists the volumes of the members.", volume.ToString());
            IDockerEngine engine = await context.Engines.OpenAsync(EngineOpener.EndpointOf(member), reporter, cancellationToken).ConfigureAwait(false);
            IList<ContainerListResponse> containers = await engine.ListContainersAsync(true, cancellationToken).ConfigureAwait(false);
            List<ContainerListResponse> holders = containers.Where(c => (c.Mounts ?? new List<MountPoint>()).Any(m => m.Type == "volume" && m.Name == volume.Name)).ToList();
            List<ContainerListResponse> running = holders.Where(c => c.State is "running" or "restarting" or "paused").ToList();
            if (running.Count > 0 || (holders.Count > 0 && !force))
            {
                throw InUse(volume, holders, running, force);
            }

            foreach (ContainerListResponse stopped in holders)
            {
                reporter.Verbose($"Removing the stopped container {NameOf(stopped)} on {volume.Node}, which still holds volume '{volume.Name}' (-Force).");
                await engine.RemoveContainerAsync(stopped.ID, cancellationToken).ConfigureAwait(false);
            }

            reporter.Progress($"Removing volume '{volume.Name}'", 60);
            bool removed = await engine.RemoveVolumeAsync(volume.Name, cancellationToken).ConfigureAwait(false);
            reporter.Verbose(removed ? $"Removed volume '{volume.Name}' on {volume.Node}." : $"Volume '{volume.Name}' on {volume.Node} was already gone; nothing to remove.");
            return removed;
        }

        /// <summary>VolumeInUse for a volume whose users are known from a listing (<see cref="SwarmVolume.UsedBy"/>).</summary>
        public static SwarmException InUse(SwarmVolume volume, bool force) => new SwarmException("VolumeInUse", SwarmErrorKind.InvalidOperation,
            volume.RunningUsers.Count > 0
                ? $"Volume '{volume.Name}' on {volume.Node} is in use by running container(s) {string.Join(", ", volume.RunningUsers)}. Remove them first (Remove-SwarmContainer {volume.RunningUsers[0]}){(force ? "; -Force removes only stopped containers that hold a volume, never running ones" : string.Empty)}."
                : $"Volume '{volume.Name}' on {volume.Node} is held by stopped container(s) {string.Join(", ", volume.UsedBy)}. Remove them first, or add -Force to remove them with the volume.",
            volume.ToString());

        private static SwarmException InUse(SwarmVolume volume, IReadOnlyList<ContainerListResponse> holders, IReadOnlyList<ContainerListResponse> running, bool force) =>
            InUse(new SwarmVolume(volume.Name, volume.Node, volume.Address, volume.Driver, volume.Scope, volume.Mountpoint, volume.Created, volume.Labels,
                holders.Select(UserName).Distinct(StringComparer.Ordinal), running.Select(UserName).Distinct(StringComparer.Ordinal), volume.Cluster), force);

        /// <summary>A swarm task's container by its service's name (what Remove-SwarmContainer takes), else the container's name.</summary>
        private static string UserName(ContainerListResponse container) =>
            container.Labels != null && container.Labels.TryGetValue(ServiceNameLabel, out string? service) ? service : NameOf(container);

        private static string NameOf(ContainerListResponse container) => (container.Names?.FirstOrDefault() ?? container.ID ?? string.Empty).TrimStart('/');

        private static DateTime? CreatedOf(string? text) =>
            DateTime.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out DateTime created) ? created : null;
    }
}
