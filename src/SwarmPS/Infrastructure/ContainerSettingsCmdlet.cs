using System.Collections;
using System.Collections.Generic;
using System.Management.Automation;
using SwarmPS.Engine.Workloads;

namespace SwarmPS.Infrastructure
{
    /// <summary>
    /// Base of New- and Set-SwarmContainer: the settings both take (resources, health check, restart and
    /// update policy), turned into one <see cref="ContainerSettings"/> with every value checked first.
    /// </summary>
    public abstract class ContainerSettingsCmdlet : ClusterCmdlet
    {
        /// <summary>CPUs reserved for each container, such as 0.5; a node must have them free to take it.</summary>
        [Parameter]
        [ValidateRange(0.001, 4096)]
        public double? ReserveCpu { get; set; }

        /// <summary>Memory reserved for each container: 512MB, 1GB or a number of bytes.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? ReserveMemory { get; set; }

        /// <summary>The most CPUs each container may use, such as 1.5.</summary>
        [Parameter]
        [ValidateRange(0.001, 4096)]
        public double? LimitCpu { get; set; }

        /// <summary>The most memory each container may use: 512MB, 1GB or a number of bytes.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? LimitMemory { get; set; }

        /// <summary>A shell command run in the container to check its health (exit 0 is healthy), such as 'wget -q -O /dev/null http://localhost/'.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? HealthCommand { get; set; }

        /// <summary>How often the health command runs: 30s, 1m, 00:00:30.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? HealthInterval { get; set; }

        /// <summary>How long one health check may take.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? HealthTimeout { get; set; }

        /// <summary>How many failed checks in a row make the container unhealthy.</summary>
        [Parameter]
        [ValidateRange(1, 1000)]
        public int? HealthRetries { get; set; }

        /// <summary>How long a starting container has before failed checks count.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? HealthStartPeriod { get; set; }

        /// <summary>Turn the health check off, including one the image defines.</summary>
        [Parameter]
        public SwitchParameter NoHealthCheck { get; set; }

        /// <summary>When swarm restarts a container that stopped: None, OnFailure or Any (the default).</summary>
        [Parameter]
        [ValidateSet("None", "OnFailure", "Any", IgnoreCase = true)]
        public string? RestartCondition { get; set; }

        /// <summary>How many times swarm restarts a container before it gives up (0: no limit).</summary>
        [Parameter]
        [ValidateRange(0, int.MaxValue)]
        public int? RestartMaxAttempts { get; set; }

        /// <summary>How long swarm waits before a restart: 5s, 1m.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? RestartDelay { get; set; }

        /// <summary>How many containers an update replaces at once (0: all at once).</summary>
        [Parameter]
        [ValidateRange(0, 10000)]
        public int? UpdateParallelism { get; set; }

        /// <summary>How long an update waits between one batch of containers and the next.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? UpdateDelay { get; set; }

        /// <summary>StartFirst starts the new container before the old one stops (no gap in service); StopFirst (the default) stops the old one first.</summary>
        [Parameter]
        [ValidateSet("StartFirst", "StopFirst", IgnoreCase = true)]
        public string? UpdateOrder { get; set; }

        /// <summary>What an update does when a new container fails: Pause (the default), Continue, or Rollback to the previous settings.</summary>
        [Parameter]
        [ValidateSet("Pause", "Continue", "Rollback", IgnoreCase = true)]
        public string? UpdateFailureAction { get; set; }

        /// <summary>How long each new container is watched for failure after it starts.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? UpdateMonitor { get; set; }

        /// <summary>The share of containers (0 to 1) that may fail during an update before the failure action applies.</summary>
        [Parameter]
        [ValidateRange(0.0, 1.0)]
        public double? UpdateMaxFailureRatio { get; set; }

        /// <summary>
        /// A login for the image's registry, sent with the container for the nodes' pulls (as --with-registry-auth does).
        /// Without it, the login Connect-SwarmRegistry saved for that registry is used, if any.
        /// </summary>
        [Parameter]
        [Credential]
        public PSCredential? RegistryCredential { get; set; }

        /// <summary>
        /// Mounts in the Docker CLI's --mount syntax: type=volume,source=dbdata,target=/var/lib/mysql,
        /// type=bind,source=/srv/conf,target=/etc/app,readonly or type=tmpfs,target=/tmp,tmpfs-size=64m. With -Volume,
        /// they are all the container's mounts; on Set-SwarmContainer they replace the current ones (an empty array removes them).
        /// </summary>
        [Parameter]
        [AllowEmptyCollection]
        public string[]? Mount { get; set; }

        /// <summary>Mounts in docker run -v's short syntax: dbdata:/var/lib/mysql (a named volume), /srv/conf:/etc/app:ro (a bind mount, as the source is an absolute path).</summary>
        [Parameter]
        [AllowEmptyCollection]
        public string[]? Volume { get; set; }

        /// <summary>
        /// Cluster configs to mount, in the Docker CLI's --config syntax: app_conf (at /app_conf) or
        /// source=app_conf,target=/etc/app/app.conf,uid=0,gid=0,mode=0444. The configs must exist (New-SwarmConfig). On
        /// Set-SwarmContainer each replaces the config the container has at the same target.
        /// </summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string[]? Config { get; set; }

        /// <summary>
        /// Replicated (the default: -Replicas containers) or Global (one container on every node that meets the
        /// constraints, as docker service create --mode global). Swarm fixes the mode when the container is created.
        /// </summary>
        [Parameter]
        [ValidateSet("Replicated", "Global", IgnoreCase = true)]
        public string? Mode { get; set; }

        /// <summary>
        /// Placement preferences in the Docker CLI's --placement-pref syntax: spread=node.labels.zone spreads the
        /// containers evenly over the values of the node label zone (engine.labels.KEY works too); several refine in
        /// order. On Set-SwarmContainer they replace the current ones (an empty array removes them).
        /// </summary>
        [Parameter]
        [AllowEmptyCollection]
        public string[]? PlacementPreference { get; set; }

        /// <summary>The most containers of this one on any node (0: no limit), as --replicas-max-per-node; replicated mode only.</summary>
        [Parameter]
        public uint? MaxReplicasPerNode { get; set; }

        /// <summary>
        /// Swarm networks to join, in the Docker CLI's --network syntax: appnet, or name=appnet,alias=db,alias=primary
        /// (further names on that network) and driver-opt=KEY=VALUE. Each must be an overlay network of the cluster
        /// (New-SwarmNetwork). Containers on one network reach each other by name. On Set-SwarmContainer they replace the
        /// current networks (an empty array leaves them all).
        /// </summary>
        [Parameter]
        [AllowEmptyCollection]
        [ArgumentCompleter(typeof(NetworkNameCompleter))]
        public string[]? Network { get; set; }

        /// <summary>
        /// How other containers reach this one by name: Vip (one virtual IP in front of the replicas, swarm's default) or
        /// Dnsrr (the name resolves to the replicas' own addresses, round robin). Dnsrr cannot go with -PublishMode Ingress.
        /// </summary>
        [Parameter]
        [ValidateSet("Vip", "Dnsrr", IgnoreCase = true)]
        public string? EndpointMode { get; set; }

        /// <summary>
        /// How -Publish ports are published: Host (the default: on the node that runs each replica, which Get-SwarmContainer
        /// shows) or Ingress (the routing mesh: the port on every node, balanced over the replicas).
        /// </summary>
        [Parameter]
        [ValidateSet("Ingress", "Host", IgnoreCase = true)]
        public string? PublishMode { get; set; }

        /// <summary>The settings given on the command line; SwarmException for a value that does not parse.</summary>
        internal ContainerSettings BuildSettings()
        {
            if (NoHealthCheck.IsPresent && (HealthCommand != null || HealthInterval != null || HealthTimeout != null || HealthRetries != null || HealthStartPeriod != null))
            {
                throw new SwarmException("HealthCheckConflict", SwarmErrorKind.InvalidArgument,
                    "-NoHealthCheck turns the health check off, so it cannot be given with -HealthCommand, -HealthInterval, -HealthTimeout, -HealthRetries or -HealthStartPeriod. Give one or the other.");
            }

            // The mounts are parsed where their type is known: the engine's, not this assembly's.
            return Engine.Storage.MountParser.WithMounts(new ContainerSettings
            {
                ReserveCpu = ReserveCpu,
                ReserveMemory = ReserveMemory == null ? null : MemorySize.Parse(ReserveMemory, nameof(ReserveMemory)),
                LimitCpu = LimitCpu,
                LimitMemory = LimitMemory == null ? null : MemorySize.Parse(LimitMemory, nameof(LimitMemory)),
                HealthCommand = HealthCommand,
                NoHealthCheck = NoHealthCheck.IsPresent,
                HealthInterval = HealthInterval == null ? null : Duration.Parse(HealthInterval, nameof(HealthInterval)),
                HealthTimeout = HealthTimeout == null ? null : Duration.Parse(HealthTimeout, nameof(HealthTimeout)),
                HealthRetries = (ulong?)HealthRetries,
                HealthStartPeriod = HealthStartPeriod == null ? null : Duration.Parse(HealthStartPeriod, nameof(HealthStartPeriod)),
                RestartCondition = RestartCondition?.ToLowerInvariant() switch { null => null, "onfailure" => "on-failure", string condition => condition },
                RestartMaxAttempts = (ulong?)RestartMaxAttempts,
                RestartDelay = RestartDelay == null ? null : Duration.Parse(RestartDelay, nameof(RestartDelay)),
                UpdateParallelism = (ulong?)UpdateParallelism,
                UpdateDelay = UpdateDelay == null ? null : Duration.Parse(UpdateDelay, nameof(UpdateDelay)),
                UpdateOrder = UpdateOrder?.ToLowerInvariant() switch { null => null, "startfirst" => "start-first", _ => "stop-first" },
                UpdateFailureAction = UpdateFailureAction?.ToLowerInvariant(),
                UpdateMonitor = UpdateMonitor == null ? null : Duration.Parse(UpdateMonitor, nameof(UpdateMonitor)),
                UpdateMaxFailureRatio = (float?)UpdateMaxFailureRatio,
                RegistryCredential = RegistryCredential == null || RegistryCredential == PSCredential.Empty ? null
                    : new Engine.Registry.RegistryLogin(string.Empty, RegistryCredential.UserName, RegistryCredential.GetNetworkCredential().Password),
            }, Mount, Volume) with
            {
                Configs = Config == null ? null : Engine.Objects.ObjectReference.ParseAll(Config, Engine.Objects.ObjectKind.Config),
                Global = Mode == null ? null : string.Equals(Mode, "Global", System.StringComparison.OrdinalIgnoreCase),
                PlacementPreferences = PlacementPreference == null ? null : PlacementPreferences.ParseAll(PlacementPreference),
                MaxReplicasPerNode = MaxReplicasPerNode,
                Networks = Network == null ? null : Engine.Networking.NetworkReference.ParseAll(Network),
                EndpointMode = EndpointMode?.ToLowerInvariant(),
                PublishMode = PublishMode?.ToLowerInvariant(),
            };
        }

        /// <summary>Environment variables from a hashtable; a name that is empty or holds '=' is EnvInvalid.</summary>
        internal static IReadOnlyDictionary<string, string> EnvironmentOf(Hashtable? table)
        {
            var variables = new Dictionary<string, string>(System.StringComparer.Ordinal);
            foreach (DictionaryEntry entry in table ?? new Hashtable())
            {
                string name = entry.Key?.ToString() ?? string.Empty;
                if (name.Trim().Length == 0 || name.Contains('='))
                {
                    throw new SwarmException("EnvInvalid", SwarmErrorKind.InvalidArgument,
                        $"'{name}' is not a valid environment variable name: it must not be empty or contain '='. Write -Env @{{ NAME = 'value' }}.", name);
                }

                variables[name] = entry.Value?.ToString() ?? string.Empty;
            }

            return variables;
        }
    }
}
