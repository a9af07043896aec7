using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using SwarmPS.Engine.Objects;
using SwarmPS.Infrastructure;

namespace SwarmPS.Commands
{
    /// <summary>
    /// <para type="synopsis">Removes configs from the cluster; one a container uses is refused (ConfigInUse, naming the containers).</para>
    /// </summary>
    [Cmdlet(VerbsCommon.Remove, "SwarmConfig", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High, DefaultParameterSetName = NameSet)]
    [OutputType(typeof(void))]
    public sealed class RemoveSwarmConfigCommand : RemoveClusterObjectCmdlet
    {
        /// <summary>Configs as Get-SwarmConfig or New-SwarmConfig return them.</summary>
        [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = ObjectSet)]
        public SwarmConfigItem[] InputObject { get; set; } = Array.Empty<SwarmConfigItem>();

        internal override ObjectKind Kind => ObjectKind.Config;

        protected override IEnumerable<string> PipedNames => InputObject.Select(o => o.Name);
    }
}
