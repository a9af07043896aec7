using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using SwarmPS.Engine.Cluster;
using SwarmPS.Engine.Stacks;
using SwarmPS.Infrastructure;

namespace SwarmPS.Commands
{
    /// <summary>
    /// <para type="synopsis">Removes a stack: its services, secrets, configs and networks, as docker stack rm does; its volumes only with -RemoveVolumes.</para>
    /// </summary>
    [Cmdlet(VerbsCommon.Remove, "SwarmStack", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
    [OutputType(typeof(void))]
    public sealed class RemoveSwarmStackCommand : ClusterCmdlet
    {
        /// <summary>Stack names, or stacks from Get-SwarmStack (by their Name).</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string[] Name { get; set; } = Array.Empty<string>();

        /// <summary>Also removes the stack's named volumes on every member (their data is lost).</summary>
        [Parameter]
        public SwitchParameter RemoveVolumes { get; set; }

        protected override void ProcessRecord()
        {
            ClusterContext context = ResolveContext();
            var deployer = new StackDeployer();
            IReadOnlyList<SwarmStack> stacks = Array.Empty<SwarmStack>();
            RunAsync(async channel => stacks = await deployer.ListAsync(context, name => Name.Contains(name, StringComparer.Ordinal), StopToken).ConfigureAwait(false));
            foreach (string name in Name)
            {
                SwarmStack? stack = stacks.FirstOrDefault(s => s.Name == name);
                if (stack == null)
                {
                    WriteVerbose($"No stack named '{name}' in cluster '{context.Name}'; nothing to remove.");
                    continue;
                }

                string what = $"Remove stack '{name}': {stack.Services.Count} service(s), {stack.Networks.Count} network(s), {stack.Secrets.Count} secret(s), {stack.Configs.Count} config(s)"
                    + (RemoveVolumes.IsPresent ? ", and its volumes on every member (their data is lost)" : "; its volumes are kept");
                if (ShouldProcess(name, what))
                {
                    RunForTarget(name, "Removing stack " + name, async reporter =>
                    {
                        await deployer.RemoveAsync(context, name, RemoveVolumes.IsPresent, TimeSpan.FromMinutes(1), reporter, StopToken).ConfigureAwait(false);
                        return null;
                    });
                }
            }
        }
    }
}
