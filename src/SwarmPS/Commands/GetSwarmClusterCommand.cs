using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using SwarmPS.Engine.Cluster;
using SwarmPS.Infrastructure;

namespace SwarmPS.Commands
{
    /// <summary>
    /// <para type="synopsis">Shows a cluster: its swarm id, managers and workers, and each node's state, containers, reservations and labels.</para>
    /// </summary>
    [Cmdlet(VerbsCommon.Get, "SwarmCluster", DefaultParameterSetName = CurrentSet)]
    [OutputType(typeof(SwarmCluster))]
    public sealed class GetSwarmClusterCommand : SwarmCmdlet
    {
        private const string CurrentSet = "Current";
        private const string ListSet = "ListAvailable";

        /// <summary>Cluster names; wildcards allowed. The current cluster when omitted.</summary>
        [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true, ParameterSetName = CurrentSet)]
        [SupportsWildcards]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(ClusterNameCompleter))]
        public string[]? Name { get; set; }

        /// <summary>Lists every saved cluster without contacting its managers.</summary>
        [Parameter(Mandatory = true, ParameterSetName = ListSet)]
        public SwitchParameter ListAvailable { get; set; }

        /// <summary>Makes the named cluster the current one (as docker context use).</summary>
        [Parameter(ParameterSetName = CurrentSet)]
        public SwitchParameter Use { get; set; }

        protected override void ProcessRecord()
        {
            ClusterRepository repository = ClusterCmdlet.Repository;
            string? current = repository.Current;
            if (ListAvailable.IsPresent)
            {
                foreach (string name in repository.List())
                {
                    WriteObject(repository.Summarize(repository.Load(name), name == current));
                }

                return;
            }

            var names = new List<string>();
            if (Name == null)
            {
                names.Add(ClusterCmdlet.LoadCluster(this, null).Name);
            }
            else
            {
                foreach (string name in Name)
                {
                    var pattern = new WildcardPattern(name, WildcardOptions.IgnoreCase);
                    var matches = repository.List().Where(n => pattern.IsMatch(n)).ToList();
                    if (matches.Count == 0 && !WildcardPattern.ContainsWildcardCharacters(name))
                    {
                        WriteError(ErrorRecords.From(new SwarmException("ClusterNotFound", SwarmErrorKind.ObjectNotFound,
                            $"No cluster named '{name}'. Saved clusters: {string.Join(", ", repository.List())}."), name));
                    }

                    names.AddRange(matches);
                }
            }

            foreach (string name in names)
            {
                if (Use.IsPresent)
                {
                    ClusterCmdlet.MakeCurrent(name);
                    current = name;
                }

                ClusterRecord record = repository.Load(name);
                SwarmCluster? cluster = null;
                RunAsync(async channel =>
                {
                    ClusterContext context = await ClusterContext.ResolveAsync(record, repository, Engines, channel.ReporterFor(name, "Reading clusters"), StopToken).ConfigureAwait(false);
                    cluster = await ClusterCmdlet.Service.DescribeAsync(context, name == current, StopToken).ConfigureAwait(false);
                });
                if (cluster != null)
                {
                    WriteObject(cluster);
                }
            }
        }
    }
}
