# Build the one-folder JMG Desktop bundle on Windows from a checkout (the counterpart of build.sh).
#
#   powershell -ExecutionPolicy Bypass -File packaging\build.ps1 [-Msi]
#
# Makes (or reuses) build\bundle\venv with the application's dependencies and the pinned
# PyInstaller (packaging\requirements-build.txt), freezes packaging\jmg-desktop.spec into
# build\bundle\dist\jmg-desktop\ ("JMG Desktop.exe" without a console, jmg-desktop.exe with one,
# over one _internal folder), and checks that it starts. With -Msi it also builds the per-machine
# and per-user MSIs from packaging\windows\*.wxs (needs the WiX Toolset v5 'wix' command).
#
# Environment: PYTHON (default: py -3.11), JMG_BUNDLE_BUILD_DIR (default build\bundle);
# JMG_SIGN_CERT_THUMBPRINT and JMG_SIGN_TIMESTAMP_URL to Authenticode-sign (signtool, Windows SDK).
# NOT RUN in this project's CI, which is Linux only: reviewed, not tested (see packaging\README.md).
[CmdletBinding()]
param([switch]$Msi)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest

$Root = (Resolve-Path (Join-Path $PSScriptRoot '..')).Path
$Build = if ($env:JMG_BUNDLE_BUILD_DIR) { $env:JMG_BUNDLE_BUILD_DIR } else { Join-Path $Root 'build\bundle' }
$Venv = Join-Path $Build 'venv'
$Python = Join-Path $Venv 'Scripts\python.exe'
$Stamp = Join-Path $Venv '.jmg-build-stamp'
New-Item -ItemType Directory -Force -Path $Build | Out-Null

function Invoke-Checked([string]$Exe, [string[]]$Arguments) {
    & $Exe @Arguments
    if ($LASTEXITCODE -ne 0) { throw "$Exe $($Arguments -join ' ') failed with exit code $LASTEXITCODE" }
}

$hashInput = (Get-Content -Raw (Join-Path $Root 'pyproject.toml')) + (Get-Content -Raw (Join-Path $Root 'packaging\requirements-build.txt'))
$sha = [System.Security.Cryptography.SHA256]::Create()
$wantStamp = -join ($sha.ComputeHash([System.Text.Encoding]::UTF8.GetBytes($hashInput)) | ForEach-Object { $_.ToString('x2') })

if (-not (Test-Path $Python) -or -not (Test-Path $Stamp) -or ((Get-Content -Raw $Stamp).Trim() -ne $wantStamp)) {
    Write-Host "== build environment ($Venv)"
    if (Test-Path $Venv) { Remove-Item -Recurse -Force $Venv }
    if ($env:PYTHON) { Invoke-Checked $env:PYTHON @('-m', 'venv', $Venv) } else { Invoke-Checked 'py' @('-3.11', '-m', 'venv', $Venv) }
    $env:PIP_DISABLE_PIP_VERSION_CHECK = '1'
    Invoke-Checked $Python @('-m', 'pip', 'install', '--quiet', $Root, '-r', (Join-Path $Root 'packaging\requirements-build.txt'))
    # Only the dependencies were wanted: the checkout itself is frozen.
    Invoke-Checked $Python @('-m', 'pip', 'uninstall', '--quiet', '--yes', 'jmg-desktop')
    Set-Content -Path $Stamp -Value $wantStamp
}

Write-Host '== pyinstaller'
Invoke-Checked $Python @('-m', 'PyInstaller', '--noconfirm', '--log-level', 'WARN',
    '--distpath', (Join-Path $Build 'dist'), '--workpath', (Join-Path $Build 'work'),
    (Join-Path $Root 'packaging\jmg-desktop.spec'))

$Bundle = Join-Path $Build 'dist\jmg-desktop'
Invoke-Checked (Join-Path $Bundle 'jmg-desktop.exe') @('--version')

if ($env:JMG_SIGN_CERT_THUMBPRINT) {
    # Authenticode-sign what Windows runs (both executables, and the DLLs and .pyd files we ship)
    # before they go into the MSI: SmartScreen, AppLocker publisher rules and antivirus look at
    # these signatures. JMG_SIGN_TIMESTAMP_URL is the certificate authority's RFC 3161 server.
    $toSign = Get-ChildItem -Path $Bundle -Recurse -Include *.exe, *.dll, *.pyd |
        Where-Object { -not (Get-AuthenticodeSignature $_.FullName).SignerCertificate }
    foreach ($file in $toSign) {
        Invoke-Checked 'signtool' @('sign', '/sha1', $env:JMG_SIGN_CERT_THUMBPRINT, '/fd', 'SHA256',
            '/tr', $env:JMG_SIGN_TIMESTAMP_URL, '/td', 'SHA256', '/d', 'JMG Desktop', $file.FullName)
    }
}

if ($Msi) {
    $Version = (Select-String -Path (Join-Path $Root 'jmg_desktop\__init__.py') -Pattern '__version__ = "([^"]+)"').Matches[0].Groups[1].Value
    # perMachine for IT deployment; perUserOrMachine is the per-user package (see the .wxs).
    foreach ($Scope in 'perMachine', 'perUserOrMachine') {
        $Name = if ($Scope -eq 'perMachine') { 'perMachine' } else { 'perUser' }
        $Out = Join-Path $Build "jmg-desktop-$Version-$Name.msi"
        Write-Host "== MSI ($Name): $Out"
        Invoke-Checked 'wix' @('build', '-arch', 'x64',
            '-d', "Version=$Version", '-d', "Scope=$Scope",
            '-bindpath', "BundleDir=$Bundle", '-o', $Out,
            (Join-Path $Root 'packaging\windows\jmg-desktop.wxs'))
        if ($env:JMG_SIGN_CERT_THUMBPRINT) {
            # Authenticode: sign the MSI too (the executables are signed before, see README).
            Invoke-Checked 'signtool' @('sign', '/sha1', $env:JMG_SIGN_CERT_THUMBPRINT, '/fd', 'SHA256',
                '/tr', $env:JMG_SIGN_TIMESTAMP_URL, '/td', 'SHA256', '/d', 'JMG Desktop', $Out)
        }
    }
}
Write-Host "== built $Bundle"
