using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using SwarmPS.Engine.Cluster;
using SwarmPS.Engine.Storage;
using SwarmPS.Infrastructure;

namespace SwarmPS.Commands
{
    /// <summary>
    /// <para type="synopsis">Removes volumes from the cluster's nodes that have them, in parallel; a volume a container uses is refused (VolumeInUse) unless -Force, which removes stopped containers that hold it but never running ones.</para>
    /// </summary>
    [Cmdlet(VerbsCommon.Remove, "SwarmVolume", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High, DefaultParameterSetName = NameSet)]
    [OutputType(typeof(void))]
    public sealed class RemoveSwarmVolumeCommand : ClusterCmdlet
    {
        private const string NameSet = "Name";
        private const string ObjectSet = "InputObject";

        private readonly List<string> names = new List<string>();
        private readonly List<SwarmVolume> piped = new List<SwarmVolume>();

        /// <summary>Volume names; wildcards allowed. Each is removed on every node that has it.</summary>
        [Parameter(Mandatory = true, Position = 0, ParameterSetName = NameSet)]
        [SupportsWildcards]
        [ValidateNotNullOrEmpty]
        public string[] Name { get; set; } = Array.Empty<string>();

        /// <summary>Volumes as Get-SwarmVolume returns them: each is removed on its own node.</summary>
        [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = ObjectSet)]
        public SwarmVolume[] InputObject { get; set; } = Array.Empty<SwarmVolume>();

        /// <summary>Only on these nodes (hostnames; wildcards allowed).</summary>
        [Parameter(ParameterSetName = NameSet)]
        [SupportsWildcards]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(NodeNameCompleter))]
        public string[]? Node { get; set; }

        /// <summary>Also remove the stopped containers that still hold the volume (old containers of a swarm task, say). A volume a running container uses is refused all the same.</summary>
        [Parameter]
        public SwitchParameter Force { get; set; }

        protected override void ProcessRecord()
        {
            names.AddRange(Name);
            piped.AddRange(InputObject);
        }

        protected override void EndProcessing()
        {
            ClusterContext context = ResolveContext();
            var targets = new List<SwarmVolume>(piped);
            if (names.Count > 0)
            {
                (IReadOnlyList<SwarmVolume> matches, IReadOnlyList<string> missing) = VolumeListing.Select(VolumeListing.List(this, context, Node), names);
                targets.AddRange(matches);
                foreach (string name in missing)
                {
                    WriteVerbose($"No node of cluster '{context.Name}' has a volume named '{name}'; nothing to remove.");
                }
            }

            // Asked on the pipeline thread, one volume on one node at a time; removed afterwards, every node in parallel.
            var approved = new List<SwarmVolume>();
            foreach (SwarmVolume volume in targets.GroupBy(v => v.ToString(), StringComparer.OrdinalIgnoreCase).Select(g => g.First()))
            {
                if (volume.RunningUsers.Count > 0 || (volume.InUse && !Force.IsPresent))
                {
                    WriteError(ErrorRecords.From(VolumeService.InUse(volume, Force.IsPresent), volume.ToString()));
                    continue;
                }

                string action = volume.InUse
                    ? $"Remove volume '{volume.Name}' and the stopped container(s) that hold it ({string.Join(", ", volume.UsedBy)})"
                    : $"Remove volume '{volume.Name}' and its data";
                if (ShouldProcess(volume.ToString(), action))
                {
                    approved.Add(volume);
                }
            }

            if (approved.Count == 0)
            {
                return;
            }

            RunAsync(async channel => await HostFanOut.RunAsync(channel, approved, v => v.ToString(), "Removing volumes", HostFanOut.DefaultThrottleLimit,
                async (volume, reporter, token) =>
                {
                    await VolumeListing.Volumes.RemoveAsync(context, volume, Force.IsPresent, reporter, token).ConfigureAwait(false);
                    return null;
                }, StopToken).ConfigureAwait(false));
        }
    }
}
