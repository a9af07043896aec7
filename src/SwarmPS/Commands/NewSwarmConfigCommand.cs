using System.Management.Automation;
using SwarmPS.Engine.Objects;
using SwarmPS.Infrastructure;

namespace SwarmPS.Commands
{
    /// <summary>
    /// <para type="synopsis">Creates a swarm config from a string, a byte[] or a file, as docker config create does; the same name with the same content again changes nothing.</para>
    /// </summary>
    [Cmdlet(VerbsCommon.New, "SwarmConfig", SupportsShouldProcess = true, DefaultParameterSetName = ValueSet)]
    [OutputType(typeof(SwarmConfigItem))]
    public sealed class NewSwarmConfigCommand : NewClusterObjectCmdlet
    {
        /// <summary>The content: a string or a byte[]; piped lines (Get-Content) are joined with newlines.</summary>
        [Parameter(Mandatory = true, Position = 1, ValueFromPipeline = true, ParameterSetName = ValueSet)]
        [AllowEmptyString]
        public object? Value { get; set; }

        internal override ObjectKind Kind => ObjectKind.Config;

        protected override object? ValueInput => Value;
    }
}
