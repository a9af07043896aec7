using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using SwarmPS.Engine.Docker;
using SwarmPS.Engine.Provisioning;
using SwarmPS.Engine.Ssh;
using SwarmPS.Infrastructure;

namespace SwarmPS.Commands
{
    /// <summary>
    /// <para type="synopsis">Sets Docker engine labels on hosts over SSH alone: daemon.json and a reload, no TCP socket, no TLS, no restart.</para>
    /// </summary>
    [Cmdlet(VerbsCommon.Set, "DockerHost", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, DefaultParameterSetName = NameSet)]
    [OutputType(typeof(DockerHost))]
    public sealed class SetDockerHostCommand : HostTargetCmdlet
    {
        private readonly List<(SshTarget Target, IReadOnlyDictionary<string, string> Labels)> requests = new List<(SshTarget, IReadOnlyDictionary<string, string>)>();

        /// <summary>Engine labels as a hashtable (@{storage='ssd'}) or key=value strings; merged into the labels already set.</summary>
        [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true)]
        [Alias("Labels")]
        [LabelArgumentTransformation]
        public string[] Label { get; set; } = Array.Empty<string>();

        protected override void ProcessRecord()
        {
            IReadOnlyList<HostInput> inputs = CurrentInputs();
            IReadOnlyDictionary<string, string> labels;
            try
            {
                labels = EngineLabels.Parse(Label);
                if (labels.Count == 0)
                {
                    throw new SwarmException("LabelInvalid", SwarmErrorKind.InvalidArgument,
                        "-Label is empty. Give at least one label as key=value or a hashtable, for example -Label storage=ssd.");
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

            // One request per host, labels of all its rows together (as Enable-DockerTcpSocket does): two applies on one
            // host at once would race on its daemon.json. A label given two values stops the whole call.
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

            var service = new EngineLabelService();
            HostConnector connector = CreateConnector();
            bool acceptNew = AcceptNewHostKey.IsPresent;

            // 1. Check every host and work out its changes, in parallel; nothing changes yet.
            var plans = new List<EngineLabelPlan>();
            RunAsync(channel => HostFanOut.RunAsync(
                channel,
                perHost,
                request => request.Target.HostName,
                "Checking engine labels",
                ThrottleLimit,
                async (request, reporter, token) =>
                {
                    HostSession session = await SessionForAsync(request.Target, connector, acceptNew, reporter, token).ConfigureAwait(false);
                    EngineLabelPlan plan = await service.PlanAsync(session, request.Labels, reporter, token).ConfigureAwait(false);
                    lock (plans)
                    {
                        plans.Add(plan);
                    }

                    return null;
                },
                StopToken));

            // 2. Ask, on the pipeline thread, for each host that would change.
            var approved = new List<EngineLabelPlan>();
            foreach (EngineLabelPlan plan in plans.OrderBy(p => p.Session.Name, StringComparer.OrdinalIgnoreCase))
            {
                if (!plan.NeedsChange)
                {
                    WriteVerbose($"[{plan.Session.Name}] The engine already has the labels {string.Join(", ", plan.Requested.Select(l => $"{l.Key}={l.Value}"))}; nothing to change.");
                    if (!IsWhatIf)
                    {
                        approved.Add(plan);
                    }
                }
                else if (ShouldProcess(plan.Session.Name, plan.Describe()))
                {
                    approved.Add(plan);
                }
            }

            // 3. Apply the approved changes in parallel and describe each engine, read over its SSH session.
            RunAsync(channel => HostFanOut.RunAsync(
                channel,
                approved,
                plan => plan.Session.Name,
                "Setting engine labels",
                ThrottleLimit,
                async (plan, reporter, token) =>
                {
                    if (plan.NeedsChange)
                    {
                        await service.ApplyAsync(plan, reporter, token).ConfigureAwait(false);
                    }

                    HostSession session = (HostSession)plan.Session;
                    EngineEndpoint endpoint = EngineEndpoint.Ssh(session.Name, session.Address, session.Port, session.UserName, session.Target.KeyFile);
                    DockerConnection connection = await Engines.OpenAsync(endpoint, reporter, token).ConfigureAwait(false);
                    return await connection.DescribeAsync(plan.NeedsChange, token).ConfigureAwait(false);
                },
                StopToken));
        }
    }
}
