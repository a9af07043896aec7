using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Docker.DotNet.Models;
using SwarmPS.Engine.Cluster;
using SwarmPS.Engine.Docker;
using SwarmPS.Engine.Workloads;

namespace SwarmPS.Engine.Objects
{
    /// <summary>
    /// The cluster's secrets and configs (docker secret/config create, ls, rm), with the services that mount each, and
    /// the resolution of containers' references to them. A secret's value goes to the manager once, in the create
    /// call, and is never read back, logged or kept.
    /// </summary>
    public sealed class ClusterObjectService
    {
        /// <summary>swarmkit's limits (manager/controlapi secret.go and config.go): data is 1 byte up to, not including, these.</summary>
        public const int MaxSecretSize = 500 * 1024;

        public const int MaxConfigSize = 1000 * 1024;

        /// <summary>One secret or config as the manager lists it; <see cref="Data"/> only for configs (the API never returns a secret's).</summary>
        internal sealed record Entry(string Id, string Name, DateTime? Created, DateTime? Updated, IReadOnlyDictionary<string, string> Labels, byte[]? Data);

        public async Task<IReadOnlyList<SwarmSecret>> ListSecretsAsync(ClusterContext context, CancellationToken cancellationToken)
        {
            IDockerEngine manager = context.RequireManager();
            IReadOnlyList<Entry> entries = await EntriesAsync(manager, ObjectKind.Secret, cancellationToken).ConfigureAwait(false);
            IList<SwarmService> services = await manager.ListServicesAsync(null, cancellationToken).ConfigureAwait(false);
            return entries.Select(e => ToSecret(e, UsersOf(ObjectKind.Secret, e, services), context.Name, changed: false)).ToList();
        }

        public async Task<IReadOnlyList<SwarmConfigItem>> ListConfigsAsync(ClusterContext context, CancellationToken cancellationToken)
        {
            IDockerEngine manager = context.RequireManager();
            IReadOnlyList<Entry> entries = await EntriesAsync(manager, ObjectKind.Config, cancellationToken).ConfigureAwait(false);
            IList<SwarmService> services = await manager.ListServicesAsync(null, cancellationToken).ConfigureAwait(false);
            return entries.Select(e => ToConfig(e, UsersOf(ObjectKind.Config, e, services), context.Name, changed: false)).ToList();
        }

        /// <summary>
        /// Creates a secret. A secret of that name is SecretExists whatever its value: swarm never gives a value back, so
        /// "the same value again" cannot be told from a new one, and secrets are immutable; a new value is a new,
        /// versioned secret (db_password_v2) that Set-SwarmContainer -Secret rotates to.
        /// </summary>
        public async Task<SwarmSecret> CreateSecretAsync(ClusterContext context, string name, byte[] value, IReadOnlyDictionary<string, string> labels, IOperationReporter reporter, CancellationToken cancellationToken)
        {
            RequireData(ObjectKind.Secret, name, value);
            IDockerEngine manager = context.RequireManager();
            Entry? existing = (await EntriesAsync(manager, ObjectKind.Secret, cancellationToken).ConfigureAwait(false)).FirstOrDefault(e => e.Name == name);
            if (existing != null)
            {
                throw Exists(ObjectKind.Secret, name, context.Name);
            }

            reporter.Progress($"Creating secret '{name}'", 50);
            reporter.Verbose($"Creating secret '{name}' ({value.Length} bytes) in cluster '{context.Name}'.");
            string id = await manager.CreateSecretAsync(new SwarmSecretSpec { Name = name, Data = value, Labels = new Dictionary<string, string>(labels, StringComparer.Ordinal) }, cancellationToken).ConfigureAwait(false);
            return new SwarmSecret(name, id, DateTime.UtcNow, DateTime.UtcNow, labels, Array.Empty<string>(), context.Name, changed: true);
        }

        /// <summary>
        /// Creates a config. One of that name with the same content is left as it is (Changed False); with other
        /// content it is ConfigExists, since configs, like secrets, are immutable.
        /// </summary>
        public async Task<SwarmConfigItem> CreateConfigAsync(ClusterContext context, string name, byte[] value, IReadOnlyDictionary<string, string> labels, IOperationReporter reporter, CancellationToken cancellationToken)
        {
            RequireData(ObjectKind.Config, name, value);
            IDockerEngine manager = context.RequireManager();
            Entry? existing = (await EntriesAsync(manager, ObjectKind.Config, cancellationToken).ConfigureAwait(false)).FirstOrDefault(e => e.Name == name);
            if (existing != null)
            {
                if (existing.Data != null && existing.Data.AsSpan().SequenceEqual(value))
                {
                    reporter.Verbose($"Config '{name}' already exists with the same content; nothing to create.");
                    IList<SwarmService> services = await manager.ListServicesAsync(null, cancellationToken).ConfigureAwait(false);
                    return ToConfig(existing, UsersOf(ObjectKind.Config, existing, services), context.Name, changed: false);
                }

                throw Exists(ObjectKind.Config, name, context.Name);
            }

            reporter.Progress($"Creating config '{name}'", 50);
            reporter.Verbose($"Creating config '{name}' ({value.Length} bytes) in cluster '{context.Name}'.");
            string id = await manager.CreateConfigAsync(new SwarmConfigSpec { Name = name, Data = value, Labels = new Dictionary<string, string>(labels, StringComparer.Ordinal) }, cancellationToken).ConfigureAwait(false);
            return new SwarmConfigItem(name, id, DateTime.UtcNow, DateTime.UtcNow, labels, value.Length, Array.Empty<string>(), context.Name, changed: true);
        }

        /// <summary>
        /// Removes a secret or config by name. It is looked at again first: one a service mounts is SecretInUse/ConfigInUse,
        /// naming the services. Returns false when it was gone already.
        /// </summary>
        public async Task<bool> RemoveAsync(ClusterContext context, ObjectKind kind, string name, IOperationReporter reporter, CancellationToken cancellationToken)
        {
            IDockerEngine manager = context.RequireManager();
            Entry? entry = (await EntriesAsync(manager, kind, cancellationToken).ConfigureAwait(false)).FirstOrDefault(e => e.Name == name);
            if (entry == null)
            {
                reporter.Verbose($"The {ObjectReference.Noun(kind)} '{name}' was already gone; nothing to remove.");
                return false;
            }

            IReadOnlyList<string> users = UsersOf(kind, entry, await manager.ListServicesAsync(null, cancellationToken).ConfigureAwait(false));
            if (users.Count > 0)
            {
                throw InUse(kind, name, users);
            }

            reporter.Progress($"Removing {ObjectReference.Noun(kind)} '{name}'", 60);
            bool removed = kind == ObjectKind.Secret
                ? await manager.DeleteSecretAsync(entry.Id, cancellationToken).ConfigureAwait(false)
                : await manager.RemoveConfigAsync(entry.Id, cancellationToken).ConfigureAwait(false);
            reporter.Verbose(removed ? $"Removed {ObjectReference.Noun(kind)} '{name}'." : $"The {ObjectReference.Noun(kind)} '{name}' was already gone; nothing to remove.");
            return removed;
        }

        /// <summary>SecretInUse/ConfigInUse, naming the containers that mount it and how to free it.</summary>
        public static SwarmException InUse(ObjectKind kind, string name, IReadOnlyList<string> users)
        {
            string noun = ObjectReference.Noun(kind);
            string parameter = kind == ObjectKind.Secret ? "-RemoveSecret" : "-RemoveConfig";
            return new SwarmException(kind == ObjectKind.Secret ? "SecretInUse" : "ConfigInUse", SwarmErrorKind.InvalidOperation,
                $"The {noun} '{name}' is in use by container(s) {string.Join(", ", users)}. Stop using it first (Set-SwarmContainer {users[0]} {parameter} {name}, or Remove-SwarmContainer {users[0]}), then remove it.",
                name);
        }

        /// <summary>
        /// The settings with every secret and config reference's id filled in from the cluster; SecretNotFound or
        /// ConfigNotFound, before anything changes, for a name the cluster does not have.
        /// </summary>
        public static async Task<ContainerSettings> ResolveAsync(IDockerEngine manager, string container, ContainerSettings settings, CancellationToken cancellationToken)
        {
            IReadOnlyList<ObjectReference>? secrets = settings.Secrets == null ? null
                : Resolve(ObjectKind.Secret, container, settings.Secrets, settings.Secrets.Count == 0 ? Array.Empty<Entry>() : await EntriesAsync(manager, ObjectKind.Secret, cancellationToken).ConfigureAwait(false));
            IReadOnlyList<ObjectReference>? configs = settings.Configs == null ? null
                : Resolve(ObjectKind.Config, container, settings.Configs, settings.Configs.Count == 0 ? Array.Empty<Entry>() : await EntriesAsync(manager, ObjectKind.Config, cancellationToken).ConfigureAwait(false));
            return settings with { Secrets = secrets, Configs = configs };
        }

        internal static IReadOnlyList<ObjectReference> Resolve(ObjectKind kind, string container, IReadOnlyList<ObjectReference> references, IReadOnlyList<Entry> entries)
        {
            var resolved = new List<ObjectReference>();
            foreach (ObjectReference reference in references)
            {
                Entry? entry = entries.FirstOrDefault(e => e.Name == reference.Source);
                if (entry == null)
                {
                    string noun = ObjectReference.Noun(kind);
                    string known = entries.Count == 0 ? $"it has no {noun}s" : $"it has {string.Join(", ", entries.Select(e => e.Name).OrderBy(n => n, StringComparer.Ordinal).Take(10))}";
                    throw new SwarmException(kind == ObjectKind.Secret ? "SecretNotFound" : "ConfigNotFound", SwarmErrorKind.ObjectNotFound,
                        $"The cluster has no {noun} named '{reference.Source}' for '{container}' ({known}). Create it first with New-Swarm{(kind == ObjectKind.Secret ? "Secret" : "Config")} -Name {reference.Source}.",
                        reference.Source);
                }

                resolved.Add(reference with { Id = entry.Id });
            }

            return resolved;
        }

        /// <summary>The names of the services whose containers mount the object (by id, or by name for a spec not yet resolved).</summary>
        internal static IReadOnlyList<string> UsersOf(ObjectKind kind, Entry entry, IEnumerable<SwarmService> services) => services
            .Where(s => kind == ObjectKind.Secret
                ? (s.Spec?.TaskTemplate?.ContainerSpec?.Secrets ?? new List<SecretReference>()).Any(r => r.SecretID == entry.Id || (string.IsNullOrEmpty(r.SecretID) && r.SecretName == entry.Name))
                : (s.Spec?.TaskTemplate?.ContainerSpec?.Configs ?? new List<SwarmConfigReference>()).Any(r => r.ConfigID == entry.Id || (string.IsNullOrEmpty(r.ConfigID) && r.ConfigName == entry.Name)))
            .Select(s => s.Spec?.Name ?? s.ID ?? string.Empty)
            .Distinct(StringComparer.Ordinal)
            .OrderBy(n => n, StringComparer.Ordinal)
            .ToList();

        internal static async Task<IReadOnlyList<Entry>> EntriesAsync(IDockerEngine manager, ObjectKind kind, CancellationToken cancellationToken)
        {
            if (kind == ObjectKind.Secret)
            {
                IList<Secret> secrets = await manager.ListSecretsAsync(cancellationToken).ConfigureAwait(false);
                return secrets.Where(s => s.Spec?.Name != null).Select(s => new Entry(s.ID ?? string.Empty, s.Spec.Name!, s.CreatedAt, s.UpdatedAt, LabelsOf(s.Spec.Labels), null))
                    .OrderBy(e => e.Name, StringComparer.Ordinal).ToList();
            }

            IList<SwarmConfig> configs = await manager.ListConfigsAsync(cancellationToken).ConfigureAwait(false);
            return configs.Where(c => c.Spec?.Name != null).Select(c => new Entry(c.ID ?? string.Empty, c.Spec.Name!, c.CreatedAt, c.UpdatedAt, LabelsOf(c.Spec.Labels), c.Spec.Data))
                .OrderBy(e => e.Name, StringComparer.Ordinal).ToList();
        }

        /// <summary>SecretValueInvalid/ConfigValueInvalid for content swarm would refuse (empty, blank, too large); the message never shows it.</summary>
        public static void RequireData(ObjectKind kind, string name, byte[] value)
        {
            string noun = ObjectReference.Noun(kind);
            int max = kind == ObjectKind.Secret ? MaxSecretSize : MaxConfigSize;
            string id = kind == ObjectKind.Secret ? "SecretValueInvalid" : "ConfigValueInvalid";
            if (value.Length == 0 || (kind == ObjectKind.Secret && value.All(b => b is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n' or 0x0B or 0x0C)))
            {
                throw new SwarmException(id, SwarmErrorKind.InvalidArgument,
                    $"The value of {noun} '{name}' is empty{(kind == ObjectKind.Secret ? " or only white space" : string.Empty)}; swarm refuses that. Give the content with -Value or -Path.", name);
            }

            if (value.Length >= max)
            {
                throw new SwarmException(id, SwarmErrorKind.InvalidArgument,
                    $"The value of {noun} '{name}' is {value.Length} bytes; swarm takes less than {max / 1024} KiB. Keep large files in a volume or the image.", name);
            }
        }

        private static SwarmException Exists(ObjectKind kind, string name, string cluster) => kind == ObjectKind.Secret
            ? new SwarmException("SecretExists", SwarmErrorKind.ResourceExists,
                $"Cluster '{cluster}' already has a secret named '{name}'. Secrets are immutable and swarm never gives a value back, so SwarmPS cannot tell whether yours is the same: create a new version under a new name (New-SwarmSecret -Name {name}_v2) and rotate to it with Set-SwarmContainer NAME -Secret source={name}_v2,target={name}, then remove the old one.",
                name)
            : new SwarmException("ConfigExists", SwarmErrorKind.ResourceExists,
                $"Cluster '{cluster}' already has a config named '{name}' with other content. Configs are immutable: create a new version under a new name (New-SwarmConfig -Name {name}_v2) and switch to it with Set-SwarmContainer NAME -Config source={name}_v2,target=TARGET, then remove the old one.",
                name);

        private static IReadOnlyDictionary<string, string> LabelsOf(IDictionary<string, string>? labels) =>
            new Dictionary<string, string>(labels ?? new Dictionary<string, string>(), StringComparer.Ordinal);

        private static SwarmSecret ToSecret(Entry e, IReadOnlyList<string> users, string cluster, bool changed) =>
            new SwarmSecret(e.Name, e.Id, e.Created, e.Updated, e.Labels, users, cluster, changed);

        private static SwarmConfigItem ToConfig(Entry e, IReadOnlyList<string> users, string cluster, bool changed) =>
            new SwarmConfigItem(e.Name, e.Id, e.Created, e.Updated, e.Labels, e.Data?.Length ?? 0, users, cluster, changed);
    }
}
