using System;
using System.Collections.Generic;
using System.Management.Automation;
using SwarmPS.Engine.Cluster;
using SwarmPS.Engine.Networking;
using SwarmPS.Engine.Provisioning;
using SwarmPS.Infrastructure;

namespace SwarmPS.Commands
{
    /// <summary>
    /// <para type="synopsis">Creates an overlay network that spans the cluster's nodes, as docker network create -d overlay does; containers on it reach each other by name.</para>
    /// </summary>
    [Cmdlet(VerbsCommon.New, "SwarmNetwork", SupportsShouldProcess = true)]
    [OutputType(typeof(SwarmNetwork))]
    public sealed class NewSwarmNetworkCommand : ClusterCmdlet
    {
        /// <summary>The network's name: letters, digits, '_', '.' and '-', starting with a letter or digit.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string Name { get; set; } = string.Empty;

        /// <summary>Let standalone containers (docker run --network NAME on a node) join it too, not only swarm containers.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        public SwitchParameter Attachable { get; set; }

        /// <summary>Encrypt the traffic between nodes (IPsec), as docker network create --opt encrypted does. The nodes must allow IP protocol 50 (ESP) between them.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        public SwitchParameter Encrypted { get; set; }

        /// <summary>No route out of the network: its containers reach each other only.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        public SwitchParameter Internal { get; set; }

        /// <summary>The address range in CIDR form, such as 10.0.9.0/24; swarm picks a free one when omitted.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string? Subnet { get; set; }

        /// <summary>The gateway's address inside -Subnet, such as 10.0.9.1; swarm picks one when omitted.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string? Gateway { get; set; }

        /// <summary>Labels, as a hashtable or key=value strings.</summary>
        [Parameter]
        [LabelArgumentTransformation]
        [ValidateNotNullOrEmpty]
        public string[]? Label { get; set; }

        protected override void ProcessRecord()
        {
            NetworkRequest request;
            try
            {
                request = new NetworkRequest
                {
                    Name = Name,
                    Attachable = Attachable.IsPresent,
                    Encrypted = Encrypted.IsPresent,
                    Internal = Internal.IsPresent,
                    Subnet = Subnet,
                    Gateway = Gateway,
                    Labels = EngineLabels.Parse(Label ?? Array.Empty<string>()),
                }.Validate();
            }
            catch (SwarmException invalid)
            {
                WriteError(ErrorRecords.From(invalid, Name));
                return;
            }

            ClusterContext context = ResolveContext();
            if (!ShouldProcess(Name, $"Create overlay network '{Name}'{Describe(request)} in cluster '{context.Name}'"))
            {
                return;
            }

            RunForTarget(Name, "Creating networks", async reporter =>
                await NetworkListing.Networks.CreateAsync(context, request, reporter, StopToken).ConfigureAwait(false));
        }

        private static string Describe(NetworkRequest request)
        {
            var options = new List<string>();
            if (request.Attachable) options.Add("attachable");
            if (request.Encrypted) options.Add("encrypted");
            if (request.Internal) options.Add("internal");
            if (request.Subnet != null) options.Add("subnet " + request.Subnet);
            if (request.Gateway != null) options.Add("gateway " + request.Gateway);
            return options.Count == 0 ? string.Empty : $" ({string.Join(", ", options)})";
        }
    }
}
