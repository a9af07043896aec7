using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Net;
using System.Security;
using System.Text;
using SwarmPS.Engine.Cluster;
using SwarmPS.Engine.Objects;
using SwarmPS.Engine.Workloads;
using SwarmPS.Infrastructure;

namespace SwarmPS.Commands
{
    /// <summary>
    /// <para type="synopsis">Runs a container in the cluster as a swarm service placed by constraints, waits until it runs, and shows where it landed and on which host port.</para>
    /// </summary>
    [Cmdlet(VerbsCommon.New, "SwarmContainer", SupportsShouldProcess = true)]
    [OutputType(typeof(SwarmContainer))]
    public sealed class NewSwarmContainerCommand : ContainerSettingsCmdlet
    {
        private readonly List<SwarmNode> pipedNodes = new List<SwarmNode>();

        /// <summary>The container's (service's) name.</summary>
        [Parameter(Mandatory = true, Position = 0)]
        [ValidatePattern("^[a-zA-Z0-9][a-zA-Z0-9_.-]*$")]
        public string Name { get; set; } = string.Empty;

        /// <summary>The image; it must be present on the nodes, since no registry is used.</summary>
        [Parameter(Mandatory = true, Position = 1)]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(ImageNameCompleter))]
        public string Image { get; set; } = string.Empty;

        /// <summary>The command and its arguments, replacing the image's default.</summary>
        [Parameter(Position = 2)]
        public string[]? Command { get; set; }

        /// <summary>Environment variables as a hashtable. For secrets use -Secret instead.</summary>
        [Parameter]
        public Hashtable? Env { get; set; }

        /// <summary>Placement constraints, in swarm syntax (node.labels.storage==ssd) or the classic one (storage==ssd).</summary>
        [Parameter]
        [ArgumentCompleter(typeof(ConstraintCompleter))]
        public string[]? Constraint { get; set; }

        /// <summary>Publish every port the image exposes to a free port of its node, like docker run -P.</summary>
        [Parameter]
        public SwitchParameter PublishAllPorts { get; set; }

        /// <summary>Ports to publish on the node, as published:target/protocol (8080:80/tcp) or a container port alone.</summary>
        [Parameter]
        public string[]? Publish { get; set; }

        /// <summary>How many containers to run (replicated mode; not with -Mode Global, which runs one on every eligible node).</summary>
        [Parameter]
        [ValidateRange(1, 1000)]
        public int Replicas { get; set; } = 1;

        /// <summary>Return at once instead of waiting until the container runs.</summary>
        [Parameter]
        public SwitchParameter NoWait { get; set; }

        /// <summary>
        /// Cluster secrets to mount, in the Docker CLI's --secret syntax: db_password (at /run/secrets/db_password) or
        /// source=db_password,target=db_pw,uid=0,gid=0,mode=0400; they must exist (New-SwarmSecret). A hashtable of names
        /// to SecureStrings (or PSCredentials) instead creates a secret for this container alone, removed with it.
        /// </summary>
        [Parameter]
        public object[]? Secret { get; set; }

        /// <summary>Place on these nodes (one node, or nodes sharing a label the others lack).</summary>
        [Parameter(ValueFromPipeline = true)]
        public SwarmNode[]? InputObject { get; set; }

        protected override void ProcessRecord()
        {
            if (InputObject != null)
            {
                pipedNodes.AddRange(InputObject);
            }
        }

        protected override void EndProcessing()
        {
            if (string.Equals(Mode, "Global", StringComparison.OrdinalIgnoreCase) && MyInvocation.BoundParameters.ContainsKey(nameof(Replicas)))
            {
                // As docker service create refuses --replicas with --mode global; before any cluster is asked.
                ThrowTerminatingError(ErrorRecords.From(new SwarmException("ReplicasWithGlobalMode", SwarmErrorKind.InvalidArgument,
                    $"-Mode Global runs one container on every node that meets the constraints, so it takes no -Replicas. Leave out -Replicas, or use -Mode Replicated -Replicas {Replicas}.", Name), Name));
                return;
            }

            ClusterContext context = ResolveContext();
            ContainerRequest request;
            try
            {
                request = BuildRequest(context);
            }
            catch (SwarmException invalid)
            {
                ThrowTerminatingError(ErrorRecords.From(invalid, Name));
                return;
            }

            string where = string.Join(" and ", request.Constraints.Select(c => c.ToSwarm()));
            string placement = request.Settings.Global == true
                ? (request.Constraints.Count == 0 ? "every node" : "every node where " + where)
                : request.Constraints.Count == 0 ? "any node" : "a node where " + where;
            if (!ShouldProcess(Name, $"Run {Image} on {placement} in cluster '{context.Name}'"))
            {
                return;
            }

            RunForTarget(request.Name, "Starting containers", async reporter =>
                await Workloads.CreateAsync(context, request, reporter, StopToken).ConfigureAwait(false));
        }

        private ContainerRequest BuildRequest(ClusterContext context)
        {
            var constraints = new List<string>(Constraint ?? Array.Empty<string>());
            if (pipedNodes.Count > 0)
            {
                // The context's node list: the nodes were listed once for this command.
                constraints.AddRange(NodeSelection.ToConstraints(pipedNodes.Select(Facts).ToList(), WorkloadService.NodesOf(context)));
            }

            var references = new List<ObjectReference>();
            Dictionary<string, byte[]> own = Secrets(references);
            // One file per target: a hashtable entry is mounted at its name, like a reference without a target.
            ObjectReference.RequireDistinctTargets(references.Concat(own.Keys.Select(k => new ObjectReference { Kind = ObjectKind.Secret, Source = k, Target = k })), ObjectKind.Secret);
            return new ContainerRequest
            {
                Name = Name,
                Image = Image,
                Command = Command ?? Array.Empty<string>(),
                Environment = EnvironmentOf(Env),
                Constraints = ConstraintParser.ParseAll(constraints),
                Publish = (Publish ?? Array.Empty<string>()).Select(PortSpec.Parse).ToList(),
                PublishAllPorts = PublishAllPorts.IsPresent,
                Replicas = (ulong)Replicas,
                NoWait = NoWait.IsPresent,
                Settings = BuildSettings() with { Secrets = references },
                Secrets = own,
            };
        }

        /// <summary>
        /// The per-container secrets (hashtable entries) and the references to cluster secrets (strings, in the Docker
        /// CLI's syntax). A string is never a value: name=value is refused by the reference parser without echoing it.
        /// </summary>
        private Dictionary<string, byte[]> Secrets(List<ObjectReference> references)
        {
            var secrets = new Dictionary<string, byte[]>(StringComparer.Ordinal);
            foreach (object item in Secret ?? Array.Empty<object>())
            {
                object value = item is PSObject wrapped ? wrapped.BaseObject : item;
                if (value is IDictionary table)
                {
                    foreach (DictionaryEntry entry in table)
                    {
                        string name = ObjectReference.RequireName(entry.Key?.ToString(), ObjectKind.Secret, "SecretInvalid");
                        byte[] bytes = ObjectValues.From(new[] { entry.Value }, ObjectKind.Secret, name);
                        Engine.Objects.ClusterObjectService.RequireData(ObjectKind.Secret, name, bytes);
                        secrets[name] = bytes;
                    }
                }
                else if (value is string text)
                {
                    references.Add(ObjectReference.Parse(text, ObjectKind.Secret));
                }
                else
                {
                    throw new SwarmException("SecretInvalid", SwarmErrorKind.InvalidArgument,
                        "-Secret takes references to cluster secrets (db_password, or source=db_password,target=db_pw,mode=0400) or a hashtable of names to SecureStrings, such as @{ db_password = (Read-Host -AsSecureString) }.", Name);
                }
            }

            return secrets;
        }

        private static NodeFacts Facts(SwarmNode node) => new NodeFacts(
            node.Id, node.Hostname, node.Role, string.Empty, string.Empty,
            new Dictionary<string, string>(node.NodeLabels), new Dictionary<string, string>(node.EngineLabels));
    }
}
