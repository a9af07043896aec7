using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using SwarmPS.Engine.Cluster;
using SwarmPS.Engine.Workloads;
using SwarmPS.Infrastructure;

namespace SwarmPS.Commands
{
    /// <summary>
    /// <para type="synopsis">Changes running containers (scale, image, command, environment, ports, constraints, resources, health, restart and update policy) with a rolling update, or rolls them back.</para>
    /// </summary>
    [Cmdlet(VerbsCommon.Set, "SwarmContainer", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, DefaultParameterSetName = NameSet)]
    [OutputType(typeof(SwarmContainer))]
    public sealed class SetSwarmContainerCommand : ContainerSettingsCmdlet
    {
        private const string NameSet = "Name";
        private const string ObjectSet = "InputObject";

        // Parameters that say which containers and how to run the command, not what to change.
        private static readonly HashSet<string> NotSettings = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
        {
            nameof(Name), nameof(InputObject), nameof(Cluster), nameof(Rollback), nameof(NoWait), nameof(Timeout),
            "Verbose", "Debug", "ErrorAction", "WarningAction", "InformationAction", "ProgressAction", "ErrorVariable", "WarningVariable",
            "InformationVariable", "OutVariable", "OutBuffer", "PipelineVariable", "WhatIf", "Confirm",
        };

        private readonly List<string> names = new List<string>();
        private readonly List<SwarmContainer> piped = new List<SwarmContainer>();

        /// <summary>Container (service) names; wildcards allowed.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true, ParameterSetName = NameSet)]
        [SupportsWildcards]
        [ValidateNotNullOrEmpty]
        public string[] Name { get; set; } = Array.Empty<string>();

        /// <summary>Containers as Get-SwarmContainer or New-SwarmContainer return them; each service is changed once.</summary>
        [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = ObjectSet)]
        public SwarmContainer[] InputObject { get; set; } = Array.Empty<SwarmContainer>();

        /// <summary>How many containers to run (scale); 0 stops them all but keeps the service.</summary>
        [Parameter]
        [ValidateRange(0, 10000)]
        public int? Replicas { get; set; }

        /// <summary>A new image; the nodes that may run the container must have it.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(ImageNameCompleter))]
        public string? Image { get; set; }

        /// <summary>A new command and arguments; an empty array goes back to the image's default.</summary>
        [Parameter]
        [AllowEmptyCollection]
        public string[]? Command { get; set; }

        /// <summary>Environment variables to add or change, as a hashtable.</summary>
        [Parameter]
        public Hashtable? Env { get; set; }

        /// <summary>Environment variables to remove, by name.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string[]? RemoveEnv { get; set; }

        /// <summary>The published ports, replacing the current ones: published:target/protocol or a container port alone; an empty array publishes none.</summary>
        [Parameter]
        [AllowEmptyCollection]
        public string[]? Publish { get; set; }

        /// <summary>The placement constraints, replacing the current ones; an empty array allows any node.</summary>
        [Parameter]
        [AllowEmptyCollection]
        [ArgumentCompleter(typeof(ConstraintCompleter))]
        public string[]? Constraint { get; set; }

        /// <summary>
        /// Cluster secrets to mount, in the Docker CLI's --secret syntax; each replaces the secret the container has at
        /// the same target, so -Secret source=db_password_v2,target=db_password rotates to a new version with a rolling
        /// update (docker service update --secret-rm db_password --secret-add source=db_password_v2,target=db_password).
        /// </summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string[]? Secret { get; set; }

        /// <summary>Secrets to stop mounting, by target or by secret name.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string[]? RemoveSecret { get; set; }

        /// <summary>Configs to stop mounting, by target or by config name.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string[]? RemoveConfig { get; set; }

        /// <summary>Go back to the settings before the last change, as docker service rollback does.</summary>
        [Parameter]
        public SwitchParameter Rollback { get; set; }

        /// <summary>Return once swarm has the change instead of waiting until it converged.</summary>
        [Parameter]
        public SwitchParameter NoWait { get; set; }

        /// <summary>How long to wait for the update to converge (default 5m).</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string Timeout { get; set; } = "5m";

        protected override void ProcessRecord()
        {
            names.AddRange(Name);
            piped.AddRange(InputObject);
        }

        protected override void EndProcessing()
        {
            ContainerSettings settings;
            TimeSpan timeout;
            try
            {
                // Every value is checked before anything changes.
                settings = BuildChange();
                timeout = Duration.Parse(Timeout, nameof(Timeout));
            }
            catch (SwarmException invalid)
            {
                ThrowTerminatingError(ErrorRecords.From(invalid, invalid.Target ?? string.Join(",", names)));
                return;
            }

            ClusterContext context = ResolveContext();
            var updater = new ContainerUpdater();
            ChangeServices(context, ServiceNamesFor(context, names, piped), "Changing containers", (service, reporter) => Rollback.IsPresent
                ? updater.PlanRollbackAsync(context, service, StopToken)
                : updater.PlanUpdateAsync(context, service, settings, reporter, StopToken), NoWait.IsPresent, timeout);
        }

        private ContainerSettings BuildChange()
        {
            bool anySetting = MyInvocation.BoundParameters.Keys.Any(key => !NotSettings.Contains(key));
            if (Rollback.IsPresent && anySetting)
            {
                throw new SwarmException("RollbackWithSettings", SwarmErrorKind.InvalidArgument,
                    "-Rollback goes back to the settings before the last change, so it takes no new settings. Run Set-SwarmContainer -Rollback on its own, then change what you need.");
            }

            if (!Rollback.IsPresent && !anySetting)
            {
                throw new SwarmException("NothingToChange", SwarmErrorKind.InvalidArgument,
                    "Say what to change, such as -Replicas 3, -Image web:2, -Env @{ MODE = 'prod' } or -ReserveMemory 256MB, or use -Rollback.");
            }

            return BuildSettings() with
            {
                Replicas = (ulong?)Replicas,
                Image = Image,
                Command = Command,
                SetEnvironment = Env == null ? null : EnvironmentOf(Env),
                RemoveEnvironment = RemoveEnv,
                Publish = Publish?.Select(PortSpec.Parse).ToList(),
                Constraints = Constraint == null ? null : ConstraintParser.ParseAll(Constraint),
                Secrets = Secret == null ? null : Engine.Objects.ObjectReference.ParseAll(Secret, Engine.Objects.ObjectKind.Secret),
                RemoveSecrets = RemoveSecret,
                RemoveConfigs = RemoveConfig,
            };
        }
    }
}
