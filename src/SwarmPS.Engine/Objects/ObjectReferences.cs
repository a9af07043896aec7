using System;
using System.Collections.Generic;
using System.Linq;
using Docker.DotNet.Models;
using SwarmPS.Engine.Workloads;

namespace SwarmPS.Engine.Objects
{
    /// <summary>A service spec's secret and config references: changed by target, as docker service update --secret-rm/--secret-add does, and shown without any value.</summary>
    internal static class ObjectReferences
    {
        /// <summary>
        /// Drops the references named in RemoveSecrets/RemoveConfigs (by target or source), then adds each given one,
        /// replacing the reference at the same target: Set-SwarmContainer -Secret source=db_password_v2,target=db_password rotates.
        /// </summary>
        public static void Apply(ContainerSpec container, ContainerSettings settings)
        {
            if (settings.Secrets != null || settings.RemoveSecrets != null)
            {
                var secrets = new List<SecretReference>(container.Secrets ?? new List<SecretReference>());
                foreach (string name in settings.RemoveSecrets ?? Array.Empty<string>())
                {
                    secrets.RemoveAll(r => r.File?.Name == name || r.SecretName == name);
                }

                foreach (ObjectReference reference in settings.Secrets ?? Array.Empty<ObjectReference>())
                {
                    secrets.RemoveAll(r => r.File?.Name == reference.Target);
                    secrets.Add(new SecretReference
                    {
                        SecretID = reference.Id,
                        SecretName = reference.Source,
                        File = new SecretReferenceFileTarget { Name = reference.Target, UID = reference.Uid, GID = reference.Gid, Mode = reference.Mode },
                    });
                }

                container.Secrets = secrets.Count > 0 ? secrets : null;
            }

            if (settings.Configs != null || settings.RemoveConfigs != null)
            {
                var configs = new List<SwarmConfigReference>(container.Configs ?? new List<SwarmConfigReference>());
                foreach (string name in settings.RemoveConfigs ?? Array.Empty<string>())
                {
                    configs.RemoveAll(r => r.File?.Name == name || r.ConfigName == name);
                }

                foreach (ObjectReference reference in settings.Configs ?? Array.Empty<ObjectReference>())
                {
                    configs.RemoveAll(r => r.File?.Name == reference.Target);
                    configs.Add(new SwarmConfigReference
                    {
                        ConfigID = reference.Id,
                        ConfigName = reference.Source,
                        File = new ConfigReferenceFileTarget { Name = reference.Target, UID = reference.Uid, GID = reference.Gid, Mode = reference.Mode },
                    });
                }

                container.Configs = configs.Count > 0 ? configs : null;
            }
        }

        public static string DescribeSecrets(ContainerSpec? container) => string.Join(", ", (container?.Secrets ?? new List<SecretReference>())
            .Select(r => Text(r.SecretName, r.File?.Name, r.File?.UID, r.File?.GID, r.File?.Mode))
            .OrderBy(t => t, StringComparer.Ordinal));

        public static string DescribeConfigs(ContainerSpec? container) => string.Join(", ", (container?.Configs ?? new List<SwarmConfigReference>())
            .Select(r => Text(r.ConfigName, r.File?.Name, r.File?.UID, r.File?.GID, r.File?.Mode))
            .OrderBy(t => t, StringComparer.Ordinal));

        private static string Text(string? source, string? target, string? uid, string? gid, uint? mode) =>
            new ObjectReference { Source = source ?? string.Empty, Target = target ?? string.Empty, Uid = uid ?? "0", Gid = gid ?? "0", Mode = mode ?? ObjectReference.DefaultMode }.ToString();
    }
}
