using System.Management.Automation;
using SwarmPS.Engine.Cluster;
using SwarmPS.Engine.State;
using SwarmPS.Infrastructure;

namespace SwarmPS.Commands
{
    /// <summary>
    /// <para type="synopsis">Creates a named cluster, saves it in the state directory and makes it the current one.</para>
    /// </summary>
    [Cmdlet(VerbsCommon.New, "SwarmCluster", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
    [OutputType(typeof(SwarmCluster))]
    public sealed class NewSwarmClusterCommand : SwarmCmdlet
    {
        /// <summary>The cluster's name: letters, digits, '.', '_' and '-'.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string Name { get; set; } = string.Empty;

        protected override void ProcessRecord()
        {
            var repository = ClusterCmdlet.Repository;
            try
            {
                ClusterRepository.ValidateName(Name);
            }
            catch (SwarmException invalid)
            {
                WriteSwarmError(invalid, Name);
                return;
            }

            if (repository.Exists(Name))
            {
                if (!ShouldProcess(Name, "Make the existing cluster the current one"))
                {
                    return;
                }

                WriteVerbose($"Cluster '{Name}' already exists in {repository.PathOf(Name)}; nothing to create. It is now the current cluster.");
            }
            else if (ShouldProcess(Name, $"Create cluster and save it in {repository.PathOf(Name)}"))
            {
                repository.Save(new ClusterRecord { Name = Name, TlsDirectory = SwarmPaths.TlsDirectory });
                WriteVerbose($"Created cluster '{Name}' in {repository.PathOf(Name)}.");
            }
            else
            {
                return;
            }

            ClusterCmdlet.MakeCurrent(Name);
            WriteObject(repository.Summarize(repository.Load(Name), isCurrent: true));
        }
    }
}
