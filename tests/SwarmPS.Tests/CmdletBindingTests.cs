using System;
using System.Collections.ObjectModel;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using SwarmPS.Commands;
using Xunit;

namespace SwarmPS.Tests
{
    /// <summary>
    /// Cmdlet binding, hosted in-process through the PowerShell SDK: parameters, pipeline binding and
    /// input validation that fails before any host is contacted.
    /// </summary>
    public sealed class CmdletBindingTests : IDisposable
    {
        private readonly Runspace runspace;

        public CmdletBindingTests()
        {
            InitialSessionState state = InitialSessionState.CreateDefault2();
            state.Commands.Add(new SessionStateCmdletEntry("Get-SwarmHost", typeof(GetSwarmHostCommand), null));
            state.Commands.Add(new SessionStateCmdletEntry("Enable-DockerTcpSocket", typeof(EnableDockerTcpSocketCommand), null));
            state.Commands.Add(new SessionStateCmdletEntry("Connect-SwarmHost", typeof(ConnectSwarmHostCommand), null));
            state.Commands.Add(new SessionStateCmdletEntry("Get-SwarmTask", typeof(GetSwarmTaskCommand), null));
            state.Commands.Add(new SessionStateCmdletEntry("ConvertTo-SwarmStack", typeof(ConvertToSwarmStackCommand), null));
            state.Commands.Add(new SessionStateCmdletEntry("New-SwarmContainer", typeof(NewSwarmContainerCommand), null));
            runspace = RunspaceFactory.CreateRunspace(state);
            runspace.Open();
        }

        public void Dispose() => runspace.Dispose();

        [Fact]
        public void GetSwarmHost_WithNoSessions_ReturnsNothing()
        {
            (Collection<PSObject> output, PowerShell shell) = Run("Get-SwarmHost");
            Assert.Empty(output);
            Assert.False(shell.HadErrors);
        }

        [Fact]
        public void GetSwarmHost_ForAnUnknownName_WritesHostNotConnected()
        {
            (_, PowerShell shell) = Run("Get-SwarmHost -Name core-09");
            ErrorRecord error = Assert.Single(shell.Streams.Error);
            Assert.Equal("HostNotConnected,SwarmPS.Commands.GetSwarmHostCommand", error.FullyQualifiedErrorId);
            Assert.Equal(ErrorCategory.ObjectNotFound, error.CategoryInfo.Category);
            Assert.Equal("core-09", error.TargetObject);
        }

        [Fact]
        public void NewSwarmContainer_GlobalModeWithReplicas_IsRefusedBeforeAnyClusterIsAsked()
        {
            (_, PowerShell shell) = Run("New-SwarmContainer agent nginx:alpine -Mode Global -Replicas 3 -Cluster nowhere");
            ErrorRecord error = Assert.Single(shell.Streams.Error);
            Assert.Equal("ReplicasWithGlobalMode,SwarmPS.Commands.NewSwarmContainerCommand", error.FullyQualifiedErrorId);
            Assert.Equal(ErrorCategory.InvalidArgument, error.CategoryInfo.Category);
            Assert.Equal("agent", error.TargetObject);
        }

        [Fact]
        public void GetSwarmHost_ForAWildcard_WritesNoError()
        {
            (_, PowerShell shell) = Run("Get-SwarmHost -Name core-*");
            Assert.Empty(shell.Streams.Error);
        }

        [Fact]
        public void EnableDockerTcpSocket_BindsCsvRowsByPropertyName_AndRejectsABadLabelBeforeConnecting()
        {
            // A row as Import-Csv gives it: the bad label is reported for that host and nothing is contacted.
            (_, PowerShell shell) = Run("[pscustomobject]@{ HostName = 'host-that-does-not-exist.invalid'; Label = 'storage' } | Enable-DockerTcpSocket -Confirm:$false");
            ErrorRecord error = Assert.Single(shell.Streams.Error);
            Assert.Equal("LabelInvalid,SwarmPS.Commands.EnableDockerTcpSocketCommand", error.FullyQualifiedErrorId);
            Assert.Equal(ErrorCategory.InvalidArgument, error.CategoryInfo.Category);
            Assert.Equal("host-that-does-not-exist.invalid", error.TargetObject);
            Assert.Contains("storage=ssd", error.Exception.Message, StringComparison.Ordinal);
        }

        [Fact]
        public void EnableDockerTcpSocket_AcceptsAHashtableOfLabels()
        {
            ParameterMetadata label = CommandParameter("Enable-DockerTcpSocket", "Label");
            Assert.Equal(typeof(string[]), label.ParameterType);
            Assert.Contains(label.Attributes, a => a is Infrastructure.LabelArgumentTransformationAttribute);
            var transformed = (string[])new Infrastructure.LabelArgumentTransformationAttribute()
                .Transform(null!, new System.Collections.Hashtable { ["storage"] = "ssd" });
            Assert.Equal(new[] { "storage=ssd" }, transformed);
        }

        [Theory]
        [InlineData("Connect-SwarmHost", "HostName", "ComputerName")]
        [InlineData("Enable-DockerTcpSocket", "HostName", "ComputerName")]
        public void HostParameters_TakeTheAliasesUsersExpect(string command, string parameter, string alias)
        {
            Assert.Contains(alias, CommandParameter(command, parameter).Aliases);
        }

        [Fact]
        public void ConnectSwarmHost_RejectsAPortOutOfRange_BeforeConnecting()
        {
            (_, PowerShell shell) = Run("Connect-SwarmHost -HostName 127.0.0.1 -Port 0");
            Assert.Equal("ParameterArgumentValidationError,SwarmPS.Commands.ConnectSwarmHostCommand", Assert.Single(shell.Streams.Error).FullyQualifiedErrorId);
        }

        [Fact]
        public void GetSwarmTask_TakesNamesByPropertyName_AndContainersByValue_InTwoSets()
        {
            ParameterMetadata name = CommandParameter("Get-SwarmTask", "Name");
            ParameterSetMetadata byName = Assert.Single(name.ParameterSets).Value;
            Assert.Equal("Name", Assert.Single(name.ParameterSets).Key);
            Assert.True(byName.ValueFromPipelineByPropertyName);
            Assert.False(byName.IsMandatory);
            Assert.Equal(0, byName.Position);
            Assert.Contains(name.Attributes, a => a is SupportsWildcardsAttribute);

            ParameterMetadata input = CommandParameter("Get-SwarmTask", "InputObject");
            Assert.Equal(typeof(SwarmContainer[]), input.ParameterType);
            ParameterSetMetadata byValue = input.ParameterSets["InputObject"];
            Assert.True(byValue.ValueFromPipeline);
            Assert.True(byValue.IsMandatory);

            Assert.Equal(typeof(SwitchParameter), CommandParameter("Get-SwarmTask", "Latest").ParameterType);
        }

        [Fact]
        public void ConvertToSwarmStack_RefusesPipedContainersOutsideSwarm_AndOfTwoClusters_BeforeAnyClusterIsAsked()
        {
            var standalone = new SwarmContainer(new SwarmContainerData { Name = "probe", Node = "core-02", ContainerName = "probe", Cluster = "a" });
            var ofB = new SwarmContainer(new SwarmContainerData { Name = "db", Node = "core-09", ContainerName = "db.1.y", ServiceId = "s2", Cluster = "b" });
            using PowerShell shell = PowerShell.Create();
            shell.Runspace = runspace;
            shell.AddScript("$args[0] | ConvertTo-SwarmStack").AddArgument(new object[] { standalone, ofB });
            Assert.Empty(shell.Invoke());

            // Nothing is left to convert, so no cluster is opened: two errors and no output.
            Assert.Equal(new[] { "ContainerNotAService,SwarmPS.Commands.ConvertToSwarmStackCommand", "ClusterMixed,SwarmPS.Commands.ConvertToSwarmStackCommand" }, shell.Streams.Error.Select(e => e.FullyQualifiedErrorId));
            Assert.Equal(standalone, shell.Streams.Error[0].TargetObject);
            Assert.Equal(ErrorCategory.InvalidArgument, shell.Streams.Error[0].CategoryInfo.Category);
            Assert.Equal("b", shell.Streams.Error[1].TargetObject);

            ParameterMetadata name = CommandParameter("ConvertTo-SwarmStack", "Name");
            Assert.Equal(new[] { "Name", "Stack" }, name.ParameterSets.Keys.OrderBy(k => k, StringComparer.Ordinal));
            Assert.True(CommandParameter("ConvertTo-SwarmStack", "InputObject").ParameterSets["InputObject"].ValueFromPipeline);
        }

        private ParameterMetadata CommandParameter(string command, string parameter)
        {
            (Collection<PSObject> output, _) = Run($"Get-Command {command}");
            var info = (CmdletInfo)output.Single().BaseObject;
            return info.Parameters[parameter];
        }

        private (Collection<PSObject> Output, PowerShell Shell) Run(string script)
        {
            PowerShell shell = PowerShell.Create();
            shell.Runspace = runspace;
            shell.AddScript(script);
            Collection<PSObject> output;
            try
            {
                output = shell.Invoke();
            }
            catch (RuntimeException failure)
            {
                shell.Streams.Error.Add(failure.ErrorRecord);
                output = new Collection<PSObject>();
            }

            return (output, shell);
        }
    }
}
