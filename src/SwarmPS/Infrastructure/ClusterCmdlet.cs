using System;
using System.Management.Automation;
using SwarmPS.Engine.Cluster;
using SwarmPS.Engine.State;

namespace SwarmPS.Infrastructure
{
    /// <summary>
    /// Base of the cmdlets that work on a named cluster. -Cluster may be left out: the current cluster
    /// (the last one created or opened, as with docker context use) is taken.
    /// </summary>
    public abstract class ClusterCmdlet : SwarmCmdlet
    {
        private SwarmClusterService? service;

        /// <summary>The cluster's name; the current cluster when omitted.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(ClusterNameCompleter))]
        public string? Cluster { get; set; }

        internal static ClusterRepository Repository => new ClusterRepository(SwarmPaths.StateDirectory);

        internal SwarmClusterService Service => service ??= new SwarmClusterService(Repository, Sessions, () => Identity);

        /// <summary>Loads the cluster named by -Cluster, or the current one; terminates with a clear error when there is none.</summary>
        internal ClusterRecord ResolveCluster()
        {
            string? name = Cluster ?? Sessions.CurrentCluster ?? Repository.Current;
            if (name == null)
            {
                ThrowTerminatingError(ErrorRecords.From(new SwarmException("NoCurrentCluster", SwarmErrorKind.InvalidOperation,
                    "No cluster is current. Create one with New-SwarmCluster -Name <name>, or name one with -Cluster.")));
            }

            try
            {
                return Repository.Load(name!);
            }
            catch (SwarmException failure)
            {
                ThrowTerminatingError(ErrorRecords.From(failure, name));
                throw;
            }
        }

        /// <summary>Makes a cluster the current one for this session and for later sessions.</summary>
        internal void MakeCurrent(string name)
        {
            Sessions.CurrentCluster = name;
            Repository.Current = name;
        }
    }
}
