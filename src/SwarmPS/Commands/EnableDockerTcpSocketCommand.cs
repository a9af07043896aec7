using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Threading.Tasks;
using SwarmPS.Engine.Docker;
using SwarmPS.Engine.Provisioning;
using SwarmPS.Engine.Ssh;
using SwarmPS.Engine.State;
using SwarmPS.Engine.Tls;
using SwarmPS.Infrastructure;

namespace SwarmPS.Commands
{
    /// <summary>
    /// <para type="synopsis">Exposes each host's Docker Engine API on TCP through systemd, with mutual TLS by default, and sets engine labels.</para>
    /// </summary>
    [Cmdlet(VerbsLifecycle.Enable, "DockerTcpSocket", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, DefaultParameterSetName = NameSet)]
    [OutputType(typeof(DockerHost))]
    public sealed class EnableDockerTcpSocketCommand : HostTargetCmdlet
    {
        private readonly List<(SshTarget Target, IReadOnlyDictionary<string, string> Labels)> requests = new List<(SshTarget, IReadOnlyDictionary<string, string>)>();

        /// <summary>Engine labels as a hashtable (@{storage='ssd'}) or key=value strings; merged into the labels already set.</summary>
        [Parameter(Position = 1, ValueFromPipelineByPropertyName = true)]
        [Alias("Labels")]
        [LabelArgumentTransformation]
        public string[] Label { get; set; } = Array.Empty<string>();

        /// <summary>Expose the API as plain TCP on port 2375 with no authentication. Anyone who reaches the port is root on the host.</summary>
        [Parameter]
        public SwitchParameter Insecure { get; set; }

        /// <summary>
        /// More DNS names or IP addresses the engine's server certificate must name (a load balancer, a DNS alias),
        /// besides the name you gave and the address SwarmPS dialled. Applies to every host of the call.
        /// </summary>
        [Parameter]
        [Alias("San")]
        [ValidateNotNullOrEmpty]
        public string[] SubjectAlternativeName { get; set; } = Array.Empty<string>();

        /// <summary>Restart the engine even when containers are running; they stop. Not needed when only labels change: the engine reloads them.</summary>
        [Parameter]
        public SwitchParameter Force { get; set; }

        protected override void ProcessRecord()
        {
            IReadOnlyList<HostInput> inputs = CurrentInputs();
            IReadOnlyDictionary<string, string> labels;
            try
            {
                labels = EngineLabels.Parse(Label);
                foreach (string name in SubjectAlternativeName)
                {
                    ValidateSubjectAlternativeName(name);
                }
            }
            catch (SwarmException invalid)
            {
                // Bad input for this record: say so before anything on its hosts changes.
                WriteSwarmError(invalid, string.Join(",", inputs.Select(input => input.Name)));
                return;
            }

            requests.AddRange(inputs.Select(input => (ResolveTarget(input), labels)));
        }

        protected override void EndProcessing()
        {
            if (requests.Count == 0)
            {
                return;
            }

            // One request per host, labels of all its rows together; a label given two values stops the whole call.
            IReadOnlyList<(SshTarget Target, IReadOnlyDictionary<string, string> Labels)> perHost;
            try
            {
                perHost = HostLabelMerge.Merge(requests, target => target.HostName);
            }
            catch (SwarmException conflict)
            {
                ThrowTerminatingError(ErrorRecords.From(conflict, conflict.Target));
                return;
            }

            DockerTcpSocketService service = CreateService();
            HostConnector connector = CreateConnector();
            bool acceptNew = AcceptNewHostKey.IsPresent;

            // 1. Check every host and work out its changes, in parallel; nothing changes yet.
            var plans = new List<TcpSocketPlan>();
            RunAsync(channel => HostFanOut.RunAsync(
                channel,
                perHost,
                request => request.Target.HostName,
                "Checking hosts",
                ThrottleLimit,
                async (request, reporter, token) =>
                {
                    HostSession session = await SessionForAsync(request.Target, connector, acceptNew, reporter, token).ConfigureAwait(false);
                    TcpSocketPlan plan = await service.PlanAsync(session, new TcpSocketRequest(request.Labels, Insecure.IsPresent, Force.IsPresent) { SubjectAlternativeNames = SubjectAlternativeName }, reporter, token).ConfigureAwait(false);
                    lock (plans)
                    {
                        plans.Add(plan);
                    }

                    return null;
                },
                StopToken));

            // 2. Ask, on the pipeline thread, for each host that would change.
            var approved = new List<TcpSocketPlan>();
            foreach (TcpSocketPlan plan in plans.OrderBy(p => p.Session.Name, StringComparer.OrdinalIgnoreCase))
            {
                if (!plan.NeedsChange)
                {
                    WriteVerbose($"[{plan.Session.Name}] The Engine API is already exposed as asked; nothing to change.");
                    approved.Add(plan);
                }
                else if (ShouldProcess(plan.Session.Name, plan.Describe()))
                {
                    approved.Add(plan);
                }
            }

            // 3. Apply (or just connect to) the approved hosts, in parallel.
            RunAsync(channel => HostFanOut.RunAsync(
                channel,
                approved,
                plan => plan.Session.Name,
                "Exposing the Docker Engine API",
                ThrottleLimit,
                async (plan, reporter, token) =>
                {
                    if (plan.Request.Insecure)
                    {
                        reporter.Warning($"The Docker Engine API is exposed WITHOUT authentication on tcp://{plan.Session.Address}:{RemotePaths.InsecurePort}: anyone who can reach that port controls the engine and is root on the host. Run again without -Insecure for mutual TLS on port {RemotePaths.TlsPort}.");
                    }

                    DockerConnection connection = plan.NeedsChange
                        ? await service.ApplyAsync(plan, reporter, token).ConfigureAwait(false)
                        : await service.ConnectAsync(plan.Session, plan.Request, reporter, token).ConfigureAwait(false);
                    return await connection.DescribeAsync(plan.NeedsChange, token).ConfigureAwait(false);
                },
                StopToken));
        }

        private static void ValidateSubjectAlternativeName(string name)
        {
            try
            {
                HostNames.Validate(name);
            }
            catch (SwarmException invalid)
            {
                throw new SwarmException("SubjectAlternativeNameInvalid", SwarmErrorKind.InvalidArgument,
                    $"-SubjectAlternativeName: {invalid.Message}", name, invalid);
            }
        }

        private DockerTcpSocketService CreateService()
        {
            // -WhatIf must not create the CA either: plan without one and say it would be made.
            bool noAuthorityYet = !System.IO.File.Exists(System.IO.Path.Combine(SwarmPaths.TlsDirectory, CertificateAuthority.CertificateFileName));
            if (Insecure.IsPresent || (IsWhatIf && noAuthorityYet))
            {
                return new DockerTcpSocketService(null, Engines);
            }

            try
            {
                CertificateAuthority authority = CertificateAuthority.LoadOrCreate(SwarmPaths.TlsDirectory);
                WriteVerbose($"Using the SwarmPS certificate authority in {SwarmPaths.TlsDirectory}.");
                return new DockerTcpSocketService(authority, Engines);
            }
            catch (SwarmException failure)
            {
                ThrowTerminatingError(ErrorRecords.From(failure, SwarmPaths.TlsDirectory));
                throw;
            }
        }
    }
}
