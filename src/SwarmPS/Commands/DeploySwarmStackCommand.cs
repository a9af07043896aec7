using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using SwarmPS.Engine.Cluster;
using SwarmPS.Engine.Stacks;
using SwarmPS.Engine.Workloads;
using SwarmPS.Infrastructure;

namespace SwarmPS.Commands
{
    /// <summary>
    /// <para type="synopsis">Deploys a whole application from Compose files as a swarm stack, as docker stack deploy does, changing only what differs.</para>
    /// </summary>
    [Cmdlet("Deploy", "SwarmStack", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(typeof(SwarmStackDeployment))]
    public sealed class DeploySwarmStackCommand : ClusterCmdlet
    {
        /// <summary>The stack's name: its services, networks, secrets and configs are named &lt;Name&gt;_&lt;name&gt;.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [ValidatePattern("^[a-zA-Z0-9][a-zA-Z0-9_.-]*$")]
        public string Name { get; set; } = string.Empty;

        /// <summary>Compose files, merged in the order given (as docker compose -f a.yml -f b.yml merges them).</summary>
        [Parameter(Mandatory = true, Position = 1)]
        [Alias("ComposeFile")]
        [ValidateNotNullOrEmpty]
        public string[] Path { get; set; } = Array.Empty<string>();

        /// <summary>A file of KEY=VALUE lines for ${VAR} substitution; the environment's variables win over it.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? EnvFile { get; set; }

        /// <summary>Removes the stack's services that the Compose files no longer have.</summary>
        [Parameter]
        public SwitchParameter Prune { get; set; }

        /// <summary>Return once swarm has the change instead of waiting until every service converged.</summary>
        [Parameter]
        public SwitchParameter NoWait { get; set; }

        /// <summary>How long to wait for every service to converge (default 5m).</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string Timeout { get; set; } = "5m";

        protected override void ProcessRecord()
        {
            StackDefinition definition;
            TimeSpan timeout;
            try
            {
                timeout = Duration.Parse(Timeout, nameof(Timeout));
                var files = Path.Select(p => GetUnresolvedProviderPathFromPSPath(p)).ToList();
                string? envFile = EnvFile == null ? null : GetUnresolvedProviderPathFromPSPath(EnvFile);
                var environment = new Dictionary<string, string>(StringComparer.Ordinal);
                foreach (DictionaryEntry variable in Environment.GetEnvironmentVariables())
                {
                    environment[(string)variable.Key] = (string?)variable.Value ?? string.Empty;
                }

                WriteVerbose($"Reading {string.Join(", ", files)}.");
                definition = StackMapper.Map(Name, ComposeReader.Load(files, environment, envFile));
            }
            catch (SwarmException invalid)
            {
                ThrowTerminatingError(ErrorRecords.From(invalid, invalid.Target ?? Name));
                return;
            }

            foreach (ComposeWarning warning in definition.Warnings)
            {
                WriteWarning(warning.ToString());
            }

            ClusterContext context = ResolveContext();
            var deployer = new StackDeployer();
            StackPlan? plan = null;
            RunAsync(async channel => plan = await deployer.PlanAsync(context, definition, Prune.IsPresent, channel.ReporterFor(Name, "Planning stack " + Name), StopToken).ConfigureAwait(false));
            IReadOnlyList<string> lines = plan!.Describe();
            if (lines.Count > 0)
            {
                if (!ShouldProcess(Name, $"Deploy stack '{Name}' to cluster '{context.Name}':{Environment.NewLine}  " + string.Join(Environment.NewLine + "  ", lines)))
                {
                    return;
                }
            }
            else
            {
                WriteVerbose($"Stack '{Name}' is as the Compose files say; nothing to change.");
            }

            StackPlan approved = plan;
            RunForTarget(Name, "Deploying stack " + Name, async reporter =>
                await deployer.ApplyAsync(context, approved, NoWait.IsPresent, timeout, reporter, StopToken).ConfigureAwait(false));
        }
    }
}
