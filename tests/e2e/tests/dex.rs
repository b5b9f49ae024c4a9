//! LBL on a DEX: Uniswap V2's factory, router and WETH, from the npm packages' compiled
//! artifacts (`@uniswap/v2-core`, `@uniswap/v2-periphery`; `npm ci --prefix
//! tests/clients`), deployed on the devnode next to the protocol. An LBL/WETH pool is
//! created with liquidity, then swapped both ways; every balance and reserve is checked
//! exactly against the constant-product formula with the 0.3 % fee — the EVM pair and
//! router calling the Stylus token (transferFrom, transfer, balanceOf) on every step.

mod support;

use alloy::primitives::{keccak256, Address, B256, U256};
use alloy::providers::Provider;
use alloy::sol;
use alloy::sol_types::SolValue;
use labelchain::bindings::IRewardToken;
use support::{artifact_bytecode, deploy_evm, eth, key, lbl, Env};

sol! {
    #[sol(rpc)]
    interface IWETH9 {
        function balanceOf(address) external view returns (uint256);
    }
    #[sol(rpc)]
    interface IUniswapV2Factory {
        function getPair(address tokenA, address tokenB) external view returns (address pair);
        function allPairsLength() external view returns (uint256);
    }
    #[sol(rpc)]
    interface IUniswapV2Pair {
        function getReserves() external view returns (uint112 reserve0, uint112 reserve1, uint32 blockTimestampLast);
        function token0() external view returns (address);
        function token1() external view returns (address);
        function balanceOf(address) external view returns (uint256);
        function totalSupply() external view returns (uint256);
    }
    #[sol(rpc)]
    interface IUniswapV2Router02 {
        function factory() external view returns (address);
        function WETH() external view returns (address);
        function addLiquidityETH(address token, uint256 amountTokenDesired, uint256 amountTokenMin, uint256 amountETHMin, address to, uint256 deadline) external payable returns (uint256 amountToken, uint256 amountETH, uint256 liquidity);
        function swapExactETHForTokens(uint256 amountOutMin, address[] calldata path, address to, uint256 deadline) external payable returns (uint256[] memory amounts);
        function swapExactTokensForETH(uint256 amountIn, uint256 amountOutMin, address[] calldata path, address to, uint256 deadline) external returns (uint256[] memory amounts);
        function getAmountsOut(uint256 amountIn, address[] memory path) external view returns (uint256[] memory amounts);
    }
}

/// The pair init code hash hardcoded in v2-periphery's `UniswapV2Library.pairFor`.
const PERIPHERY_INIT_CODE_HASH: &str =
    "96e8ac4277198ff8b6f785478aa9a39f403cb768dd02cbee326c3e7da348845f";

/// Uniswap V2's `getAmountOut`: the 0.3 % fee is taken from the input.
fn amount_out(amount_in: U256, reserve_in: U256, reserve_out: U256) -> U256 {
    let in_with_fee = amount_in * U256::from(997);
    in_with_fee * reserve_out / (reserve_in * U256::from(1000) + in_with_fee)
}

/// `UniswapV2Library.pairFor`, computed here: CREATE2 from the factory with the salt
/// `keccak256(token0 ‖ token1)` and the pair's init code hash.
fn pair_for(factory: Address, a: Address, b: Address, init_code_hash: B256) -> Address {
    let (t0, t1) = if a < b { (a, b) } else { (b, a) };
    let salt = keccak256([t0.as_slice(), t1.as_slice()].concat());
    factory.create2(salt, init_code_hash)
}

#[tokio::test(flavor = "current_thread")]
async fn an_lbl_weth_pool_on_uniswap_v2_adds_liquidity_and_swaps_both_ways_exactly() {
    let env = Env::start().await;
    let admin = &env.admin;
    let me = admin.from().unwrap();
    let token = env.addrs.token;
    let p = admin.provider.clone();

    // The pair bytecode of v2-core must hash to what v2-periphery hardcodes, or the
    // router would compute pair addresses that do not exist.
    let pair_code = artifact_bytecode("@uniswap/v2-core/build/UniswapV2Pair.json");
    let init_code_hash = keccak256(&pair_code);
    assert_eq!(
        alloy::hex::encode(init_code_hash),
        PERIPHERY_INIT_CODE_HASH,
        "v2-core's pair init code hash differs from the one v2-periphery's router embeds"
    );
    let router_code = artifact_bytecode("@uniswap/v2-periphery/build/UniswapV2Router02.json");
    assert!(
        router_code
            .windows(32)
            .any(|w| w == init_code_hash.as_slice()),
        "the router's bytecode embeds the pair init code hash"
    );

    // WETH9, the factory (fee switch off: feeToSetter = admin, feeTo unset), the router.
    let (weth, _) = deploy_evm(
        admin,
        "WETH9",
        &artifact_bytecode("@uniswap/v2-periphery/build/WETH9.json"),
        &[],
    )
    .await;
    let (factory, _) = deploy_evm(
        admin,
        "UniswapV2Factory",
        &artifact_bytecode("@uniswap/v2-core/build/UniswapV2Factory.json"),
        &me.abi_encode(),
    )
    .await;
    let (router, _) = deploy_evm(
        admin,
        "UniswapV2Router02",
        &router_code,
        &(factory, weth).abi_encode_params(),
    )
    .await;
    let r = IUniswapV2Router02::new(router, p.clone());
    assert_eq!(r.factory().call().await.unwrap(), factory);
    assert_eq!(r.WETH().call().await.unwrap(), weth);
    let f = IUniswapV2Factory::new(factory, p.clone());
    let lbl_token = IRewardToken::new(token, p.clone());

    // Liquidity: 10,000 LBL against 10 ETH (the router creates the pair).
    let (lbl_in, eth_in) = (lbl(10_000), eth(10));
    let deadline = U256::from(u64::MAX);
    admin
        .send(
            "approve router",
            lbl_token.approve(router, lbl_in).into_transaction_request(),
        )
        .await
        .unwrap();
    admin
        .send(
            "addLiquidityETH",
            r.addLiquidityETH(token, lbl_in, lbl_in, eth_in, me, deadline)
                .value(eth_in)
                .into_transaction_request(),
        )
        .await
        .unwrap();
    assert_eq!(f.allPairsLength().call().await.unwrap(), U256::from(1));
    let pair = f.getPair(token, weth).call().await.unwrap();
    assert_eq!(
        pair,
        pair_for(factory, token, weth, init_code_hash),
        "pairFor (CREATE2 with the periphery's init code hash) names the factory's pair"
    );
    let pr = IUniswapV2Pair::new(pair, p.clone());
    let lbl_is_0 = pr.token0().call().await.unwrap() == token;
    assert_eq!(lbl_is_0, token < weth);
    let reserves = || async {
        let r = pr.getReserves().call().await.unwrap();
        let (r0, r1) = (U256::from(r.reserve0), U256::from(r.reserve1));
        if lbl_is_0 {
            (r0, r1)
        } else {
            (r1, r0)
        }
    };
    // What the pair's token balances say, to check the reserves against.
    let pool_holds = || async {
        let weth_token = IWETH9::new(weth, p.clone());
        (
            lbl_token.balanceOf(pair).call().await.unwrap(),
            weth_token.balanceOf(pair).call().await.unwrap(),
        )
    };
    assert_eq!(reserves().await, (lbl_in, eth_in));
    // Liquidity minted: sqrt(x·y) − MINIMUM_LIQUIDITY (1000, locked at address 0).
    let liquidity = (lbl_in * eth_in).root(2) - U256::from(1000);
    assert_eq!(pr.balanceOf(me).call().await.unwrap(), liquidity);
    assert_eq!(
        pr.totalSupply().call().await.unwrap(),
        liquidity + U256::from(1000)
    );
    assert_eq!(pool_holds().await, (lbl_in, eth_in));

    // A trader swaps 1 ETH for LBL.
    let trader_key = key("dex trader");
    let trader = env.user(&trader_key).await;
    let t = trader_key.address();
    let tr = IUniswapV2Router02::new(router, trader.provider.clone());
    let buy = eth(1);
    let expected_lbl = amount_out(buy, eth_in, lbl_in);
    let quoted = r
        .getAmountsOut(buy, vec![weth, token])
        .call()
        .await
        .expect("getAmountsOut finds the pair through pairFor");
    assert_eq!(quoted, vec![buy, expected_lbl]);
    let eth_before = p.get_balance(t).await.unwrap();
    let sent = trader
        .send(
            "swapExactETHForTokens",
            tr.swapExactETHForTokens(expected_lbl, vec![weth, token], t, deadline)
                .value(buy)
                .into_transaction_request(),
        )
        .await
        .unwrap();
    assert_eq!(lbl_token.balanceOf(t).call().await.unwrap(), expected_lbl);
    assert_eq!(
        p.get_balance(t).await.unwrap(),
        eth_before - buy - sent.fee_wei
    );
    let (r_lbl, r_eth) = reserves().await;
    assert_eq!((r_lbl, r_eth), (lbl_in - expected_lbl, eth_in + buy));
    assert!(r_lbl * r_eth > lbl_in * eth_in, "the fee grows k");

    // And sells half of it back for ETH.
    let sell = expected_lbl / U256::from(2);
    let expected_eth = amount_out(sell, r_lbl, r_eth);
    trader
        .send(
            "approve router",
            IRewardToken::new(token, trader.provider.clone())
                .approve(router, sell)
                .into_transaction_request(),
        )
        .await
        .unwrap();
    let eth_before = p.get_balance(t).await.unwrap();
    let sent = trader
        .send(
            "swapExactTokensForETH",
            tr.swapExactTokensForETH(sell, expected_eth, vec![token, weth], t, deadline)
                .into_transaction_request(),
        )
        .await
        .unwrap();
    assert_eq!(
        p.get_balance(t).await.unwrap(),
        eth_before + expected_eth - sent.fee_wei
    );
    assert_eq!(
        lbl_token.balanceOf(t).call().await.unwrap(),
        expected_lbl - sell
    );
    assert_eq!(
        lbl_token.allowance(t, router).call().await.unwrap(),
        U256::ZERO,
        "the router spent exactly the allowance"
    );
    let (r2_lbl, r2_eth) = reserves().await;
    assert_eq!((r2_lbl, r2_eth), (r_lbl + sell, r_eth - expected_eth));
    assert!(r2_lbl * r2_eth > r_lbl * r_eth, "the fee grows k");
    assert_eq!(pool_holds().await, (r2_lbl, r2_eth));
    eprintln!(
        "DEX: pool {lbl_in} LBL-wei / {eth_in} wei, liquidity {liquidity}; \
         1 ETH -> {expected_lbl} LBL-wei; {sell} LBL-wei -> {expected_eth} wei; \
         reserves {r2_lbl} / {r2_eth}"
    );
}
