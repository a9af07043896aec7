using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using SwarmPS.Engine.Cluster;
using SwarmPS.Engine.Docker;
using SwarmPS.Infrastructure;

namespace SwarmPS.Commands
{
    /// <summary>
    /// <para type="synopsis">Dissolves a cluster: every node leaves the swarm and the saved cluster is deleted. Hosts keep their TLS socket and labels.</para>
    /// </summary>
    [Cmdlet(VerbsCommon.Remove, "SwarmCluster", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
    [OutputType(typeof(void))]
    public sealed class RemoveSwarmClusterCommand : SwarmCmdlet
    {
        /// <summary>The cluster to dissolve.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(ClusterNameCompleter))]
        public string Name { get; set; } = string.Empty;

        /// <summary>Delete the saved cluster even when some nodes could not be reached to leave.</summary>
        [Parameter]
        public SwitchParameter Force { get; set; }

        protected override void ProcessRecord()
        {
            ClusterRepository repository = ClusterCmdlet.Repository;
            try
            {
                ClusterRepository.ValidateName(Name);
            }
            catch (SwarmException invalid)
            {
                WriteSwarmError(invalid, Name);
                return;
            }

            if (!repository.Exists(Name))
            {
                WriteVerbose($"No cluster named '{Name}'; nothing to remove.");
                return;
            }

            ClusterRecord record = repository.Load(Name);
            if (!ShouldProcess(Name, $"Make every node ({string.Join(", ", record.Members.Select(m => m.Name))}) leave the swarm and delete {repository.PathOf(Name)}"))
            {
                return;
            }

            List<ClusterMember> members = record.Members.ToList();
            int failed = 0;
            RunAsync(async channel => failed = await HostFanOut.RunAsync(
                channel,
                members,
                member => member.Name,
                $"Dissolving cluster '{Name}'",
                HostFanOut.DefaultThrottleLimit,
                async (member, reporter, token) =>
                {
                    var engine = await Engines.OpenAsync(EngineOpener.EndpointOf(member), reporter, token).ConfigureAwait(false);
                    reporter.Verbose("Leaving the swarm.");
                    await engine.LeaveSwarmAsync(force: true, token).ConfigureAwait(false);
                    return null;
                },
                StopToken).ConfigureAwait(false));

            if (failed > 0 && !Force.IsPresent)
            {
                WriteWarning($"{failed} node(s) could not leave; cluster '{Name}' is kept in {repository.PathOf(Name)} so you can run Remove-SwarmCluster again, or use -Force to forget it all the same.");
            }
            else
            {
                repository.Delete(Name);

                WriteVerbose($"Cluster '{Name}' is dissolved and {repository.PathOf(Name)} deleted.");
            }
        }
    }
}
